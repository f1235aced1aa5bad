"""Whole figure sets, produced once per test session and checked as files and as a page in a browser.

The sets are made by ``figure_sets_driver.py`` in a background process that the session starts
right after collection (``conftest.py``); these tests run last and wait for it.

- re-running gives identical bytes (PNG, SVG, CSV, HTML): the same year, drawn twice;
- a multi-year run (concurrent) gives the same files as single-year runs, one of them sequential
  (forked kernels against standard ones: test_kernelfork.py and nbval);
- a run killed midway leaves the previous outputs byte for byte, and the next run is not blocked;
- the English edition exists next to the Chinese one, with the same figures and no Chinese in them;
- the yearly index page loads in headless Chromium with every image, without console errors.
"""

from __future__ import annotations

import hashlib
import re
import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from mfgghg.runner.pipeline import discover_notebooks

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def digest(folder: Path, run_root: Path | None = None) -> dict[str, str]:
    """sha256 of every file below ``folder``, by relative path. In the notebook pages the folder the
    run published to (it shows in the injected parameters) is replaced by a token first: two runs
    into different folders differ there and nowhere else."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        data = p.read_bytes()
        if run_root is not None and p.suffix == ".html":
            data = data.replace(str(run_root).encode(), b"<run root>")
        out[p.relative_to(folder).as_posix()] = hashlib.sha256(data).hexdigest()
    return out


def text_differences(a_root: Path, b_root: Path, kind: str, year, a: dict, b: dict) -> str:
    """For a failure message: the differing lines of the text files that differ."""
    import difflib

    out = []
    for name in sorted(set(a) | set(b)):
        if a.get(name) == b.get(name) or not name.endswith((".html", ".csv", ".json", ".svg")):
            continue
        texts = []
        for root in (a_root, b_root):
            path = Path(root) / kind / str(year) / name
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
            texts.append(text.replace(str(root), "<run root>").replace("><", ">\n<").splitlines())
        out += [name, *list(difflib.unified_diff(*texts, lineterm="", n=1))[:40]]
    return "\n".join(out)


def test_multi_year_run_equals_single_year_runs_byte_for_byte_2099(figure_sets):
    """Also the re-run check: the synthetic year drawn twice, once sequentially (the single-year
    run) and once concurrently beside 2021 (the multi-year run), gives identical bytes: figures,
    data, the index page and the notebook pages."""
    for kind in ("figures", "processed"):
        multi = digest(figure_sets["multi"] / kind / "2099", figure_sets["multi"])
        single = digest(figure_sets["single"] / kind / "2099", figure_sets["single"])
        if kind == "figures":
            single = {k: v for k, v in single.items() if not k.startswith("en/")}  # the multi-year run is Chinese only
            # The single-year set has the English edition too (made after it), so its page links to it (and
            # the multi-year one's does not): that link is the one difference, and it is checked, then taken out.
            page = figure_sets["single"] / kind / "2099" / "index.html"
            text = page.read_text(encoding="utf-8")
            assert 'href="en/index.html" hreflang="en"' in text
            assert "hreflang" not in (figure_sets["multi"] / kind / "2099" / "index.html").read_text(encoding="utf-8")
            from mfgghg.runner.site import EDITION_MARK

            unlinked = re.sub(r'<p class="edition">.*?</p>', EDITION_MARK, text).replace(str(figure_sets["single"]),
                                                                                        "<run root>")
            single["index.html"] = hashlib.sha256(unlinked.encode()).hexdigest()
            assert any(k.endswith(".png") for k in single) and any(k.endswith(".svg") for k in single)
            assert "index.html" in single and any(k.startswith("notebooks/") for k in single)
        assert multi == single, (kind, text_differences(figure_sets["multi"], figure_sets["single"], kind, 2099,
                                                        multi, single))


def pixels(path):
    from PIL import Image

    with Image.open(path) as image:
        return image.size, image.convert("RGB").tobytes()


def test_multi_year_run_equals_the_sequential_execution_of_2021(figure_sets, nbval_run):
    """The real year: every figure file (PNG pixels; SVG, CSV, caption bytes) and processed table of the
    multi-year run equals what nbval's sequential execution of the notebooks, with their default
    parameters, wrote to ``figures/2021`` and ``data/processed/2021`` in this session. (The pages
    are the runner's alone; they are compared for 2099.)"""
    assert nbval_run["returncode"] == 0, nbval_run["log"]
    for kind, repo_dir in (("figures", REPO / "figures" / "2021"), ("processed", REPO / "data" / "processed" / "2021")):
        multi = digest(figure_sets["multi"] / kind / "2021")
        multi = {k: v for k, v in multi.items() if "/" not in k and k != "index.html"}  # no pages, no en/
        assert any(k.endswith(".png") for k in multi) or kind == "processed"
        sequential = {k: hashlib.sha256((repo_dir / k).read_bytes()).hexdigest() for k in multi
                      if (repo_dir / k).is_file()}
        # The runner's batch kernels write PNG files with their own writer (mfgghg.runner.fast.pngfile),
        # nbval's standard kernels with matplotlib's: the same pixels, not the same bytes.
        pngs = [k for k in multi if k.endswith(".png")]
        assert pngs or kind == "processed"
        for k in pngs:
            assert pixels(figure_sets["multi"] / kind / "2021" / k) == pixels(repo_dir / k), k
            multi[k] = sequential[k] = "same pixels"
        assert multi == sequential, (kind, text_differences(figure_sets["multi"] / kind, repo_dir.parent, "", "2021",
                                                            multi, sequential))
        if kind == "figures":  # written by nbval in this session, not left from an earlier run
            assert all((repo_dir / k).stat().st_mtime >= nbval_run["started"] for k in multi)


def test_killed_run_leaves_the_previous_outputs_byte_for_byte(figure_sets):
    """A real run of the synthetic year killed once its first notebook was done left the previous
    year folders as they were; the next run (sequential) was not blocked by the dead one and went through every
    notebook: nothing is tied to 2021."""
    report = figure_sets["report"]
    kill = report["kill"]
    # (else the report has what the run printed, and its error output)
    assert kill["running_when_killed"] and kill["first_notebook_done"], (kill.get("said"), kill.get("stderr"), kill)
    for key in ("processed_root", "figures_root"):
        assert kill["after"][key] == {"previous.csv": kill["previous"]}, key
    assert report["complete"]["returncode"] == 0, report["complete"]["stderr"]
    # a run that goes through says nothing on stderr: no kernel warns at its start (local sockets, not TCP)
    assert report["complete"]["stderr"] == ""
    single = figure_sets["single"]
    assert not list((single / "build" / "2099").glob(".staging-*"))
    import pandas as pd

    assert len(pd.read_csv(single / "processed" / "2099" / "measures.csv")) == 6
    figures = single / "figures" / "2099"
    for nb in discover_notebooks()[1:]:
        pngs = list(figures.glob(f"{nb.name[:3]}*.png"))
        assert pngs, f"{nb.name} drew no figure for the synthetic year"
        for png in pngs:
            assert png.with_suffix(".svg").is_file() and png.with_suffix(".csv").is_file(), png.name
    assert (figures / "index.html").is_file()
    pages = sorted(p.name for p in (figures / "notebooks").iterdir())
    assert pages == [nb.stem + ".html" for nb in discover_notebooks()]


def test_english_edition_sits_next_to_the_chinese_one(figure_sets):
    figures = figure_sets["single"] / "figures" / "2099"
    zh = sorted(p.name for p in figures.glob("*.png"))
    en = sorted(p.name for p in (figures / "en").glob("*.png"))
    assert zh and zh == en
    for meta in (figures / "en").glob("*.meta.json"):
        title = json.loads(meta.read_text(encoding="utf-8"))["title"]
        assert title and not any("\u4e00" <= ch <= "\u9fff" for ch in title), (meta.name, title)


def test_no_glyph_missing_warning_in_any_executed_notebook(figure_sets):
    executed = [*(figure_sets["multi"] / "build").rglob("*.ipynb"), *(figure_sets["single"] / "build").rglob("*.ipynb")]
    # 2021 and 2099 in Chinese (multi-year), 2099 in Chinese (command line) and English; five notebooks each
    assert len(executed) == 4 * 5
    for path in executed:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                text = "".join(out.get("text", "")) if out.get("name") == "stderr" else ""
                assert "Glyph" not in text and "missing from font" not in text, (path.name, text[:200])


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """One headless Chromium for the pages of this module (each page loaded afresh in it)."""
    assert CHROMIUM and CHROMEDRIVER, (
        "the page test needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver "
        "(.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--allow-file-access-from-files",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(1280, 2000)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.parametrize("year, edition, strand", [(2021, "", "multi"), (2099, "en", "single")])
def test_index_page_loads_every_image_in_chromium(figure_sets, chromium, year, edition, strand):
    page = figure_sets[strand] / "figures" / str(year) / edition / "index.html"
    driver = chromium
    driver.get_log("browser")  # (what an earlier page logged is not this page's)
    driver.get(page.as_uri())
    driver.execute_async_script(
        "const done = arguments[0];"
        "Promise.all([...document.images].map(i => i.complete ? 0 : new Promise(r => {i.onload = i.onerror = r;})))"
        ".then(() => done());")
    images = driver.execute_script(
        "return [...document.images].map(i => [i.getAttribute('src'), i.naturalWidth]);")
    links = driver.execute_script("return [...document.links].map(a => a.getAttribute('href'));")
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    shots = REPO / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(shots / f"index-{year}{'-' + edition if edition else ''}.png"))
    assert len(images) == len(list(page.parent.glob("*.png"))) > 0
    assert all(width > 0 for _, width in images), [src for src, w in images if not w]
    assert not errors, errors
    for href in links:  # every data file and notebook page it links to exists
        assert (page.parent / href).is_file(), href


def test_every_published_output_names_version_commit_licence_and_sources(figure_sets):
    """Both editions' pages show version, commit, licence and citation; every figure's meta and the
    shipped data package name version, commit, licence and sources; frictionless accepts the package.
    (Two runs giving the same bytes is checked above, these files included.)"""
    import html

    from frictionless import validate

    from mfgghg.data.provenance import (COMMIT_KEY, DATA_LICENSE, PUBLISHER_KEY, citation, current_commit,
                                        project_version)

    commit = current_commit()
    for year, edition, strand in ((2021, "", "multi"), (2099, "", "multi"), (2099, "en", "single")):
        figures = figure_sets[strand] / "figures" / str(year) / edition
        page = (figures / "index.html").read_text(encoding="utf-8")
        footer = page.split('<section id="provenance">', 1)[1]
        lang = edition or "zh-TW"
        sha, beside = commit.shown(lang)
        assert f"mfgghg {project_version()}" in footer and (sha is None or f"<code>{sha}</code>" in footer) \
            and beside in footer, (year, edition)
        assert "CC BY 4.0" in footer and html.escape(citation(year, commit, lang=lang)) in footer, (year, edition)
        metas = sorted(figures.glob("*.meta.json"))
        assert metas
        for path in metas:
            meta = json.loads(path.read_text(encoding="utf-8"))
            assert meta["version"] == project_version() and meta["commit"] == commit.text, path
            assert meta["licenses"] == [DATA_LICENSE] and meta["sources"], path
            assert all(s.get(PUBLISHER_KEY) for s in meta["sources"]), path
        package = json.loads((figures / "data" / "datapackage.json").read_text(encoding="utf-8"))
        assert package[COMMIT_KEY] == commit.text and package["version"] == project_version()
        assert package["sources"] == meta["sources"]
        report = validate(figures / "data" / "datapackage.json")
        assert report.valid, report.flatten(["type", "message"])
    processed = figure_sets["multi"] / "processed" / "2099" / "datapackage.json"
    processed = json.loads(processed.read_text(encoding="utf-8"))
    assert COMMIT_KEY not in processed and processed["version"] == project_version()
