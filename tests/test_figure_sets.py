"""Whole figure sets, produced once per test session and checked as files and as a page in a browser.

- re-running gives identical bytes (PNG, SVG, CSV, HTML);
- a multi-year run gives the same files as single-year runs;
- the English edition exists next to the Chinese one, with the same figures and no Chinese in them;
- the yearly index page loads in headless Chromium with every image, without console errors.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_DATA, REPO
from mfgghg.pipeline import run_year, run_years

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


@pytest.fixture(scope="session")
def figure_sets(tmp_path_factory):
    """Multi-year run (2021 + synthetic 2099, both editions) and single-year runs of each year.

    The 2021 raw data are copied next to the synthetic year so one raw root serves both."""
    root = tmp_path_factory.mktemp("sets")
    raw = root / "raw"
    shutil.copytree(FIXTURE_DATA / "raw" / "2099", raw / "2099")
    shutil.copytree(FIXTURE_DATA / "reference", root / "reference")
    shutil.copytree(REPO / "data" / "raw" / "2021", raw / "2021")
    quiet = dict(log=lambda *_: None)

    def roots(name):
        return dict(raw_root=raw, processed_root=root / name / "processed", figures_root=root / name / "figures",
                    build_root=root / name / "build")

    multi = {}
    for lang in ("zh-TW", "en"):
        outcomes = run_years([2021, 2099], jobs=2, progress=False, lang=lang, **roots("multi"), **quiet)
        failed = {y: str(o) for y, o in outcomes.items() if isinstance(o, Exception)}
        assert not failed, failed
        multi[lang] = outcomes
    run_year(2021, jobs=2, **roots("single"), **quiet)
    run_year(2099, jobs=2, **roots("single"), **quiet)
    return {"multi": root / "multi", "single": root / "single"}


@pytest.mark.parametrize("year", [2021, 2099])
def test_multi_year_run_equals_single_year_runs_byte_for_byte(figure_sets, year):
    """Also the re-run check: the same year drawn twice gives identical PNG and SVG bytes."""
    for kind in ("figures", "processed"):
        multi = digest(figure_sets["multi"] / kind / str(year), figure_sets["multi"])
        single = digest(figure_sets["single"] / kind / str(year), figure_sets["single"])
        if kind == "figures":
            multi = {k: v for k, v in multi.items() if not k.startswith("en/")}  # single runs are Chinese only
            assert any(k.endswith(".png") for k in multi) and any(k.endswith(".svg") for k in multi)
        assert multi == single, kind


def test_english_edition_sits_next_to_the_chinese_one(figure_sets):
    figures = figure_sets["multi"] / "figures" / "2021"
    zh = sorted(p.name for p in figures.glob("*.png"))
    en = sorted(p.name for p in (figures / "en").glob("*.png"))
    assert zh and zh == en
    for meta in (figures / "en").glob("*.meta.json"):
        title = json.loads(meta.read_text(encoding="utf-8"))["title"]
        assert title and not any("\u4e00" <= ch <= "\u9fff" for ch in title), (meta.name, title)


def test_no_glyph_missing_warning_in_any_executed_notebook(figure_sets):
    executed = list((figure_sets["multi"] / "build").rglob("*.ipynb"))
    assert len(executed) == 4 * 5  # two years, two editions, five notebooks
    for path in executed:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                text = "".join(out.get("text", "")) if out.get("name") == "stderr" else ""
                assert "Glyph" not in text and "missing from font" not in text, (path.name, text[:200])


@pytest.mark.parametrize("edition", ["", "en"])
def test_index_page_loads_every_image_in_chromium(figure_sets, edition, tmp_path):
    assert CHROMIUM and CHROMEDRIVER, (
        "the page test needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver "
        "(.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    page = figure_sets["multi"] / "figures" / "2021" / edition / "index.html"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--allow-file-access-from-files", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_window_size(1280, 2000)
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
        driver.save_screenshot(str(shots / f"index-2021{'-' + edition if edition else ''}.png"))
    finally:
        driver.quit()
    assert len(images) == len(list(page.parent.glob("*.png"))) > 0
    assert all(width > 0 for _, width in images), [src for src, w in images if not w]
    assert not errors, errors
    for href in links:  # every data file and notebook page it links to exists
        assert (page.parent / href).is_file(), href
