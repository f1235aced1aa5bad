"""What made an output and how to cite it: CITATION.cff (valid under cffconvert), the version, the
commit in a git checkout, in a folder without git and without git installed, and the same bytes from
two runs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import REPO
from mfgghg.data import provenance
from mfgghg.data.provenance import DATA_LICENSE, LOCAL_CHANGES, Commit, citation, git_commit, project_version

CFFCONVERT = Path(sys.executable).with_name("cffconvert")


def cffconvert_validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CFFCONVERT), "--validate", "-i", str(path)], capture_output=True, text=True)


def test_citation_cff_is_valid_under_cffconvert():
    done = cffconvert_validate(REPO / "CITATION.cff")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "valid according to schema version 1.2.0" in done.stdout


def test_cffconvert_refuses_a_broken_citation_file(tmp_path):
    """The validation above can fail: a file without authors is refused."""
    text = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    broken = tmp_path / "CITATION.cff"
    broken.write_text(re.sub(r"^authors:\n(  - .*\n)+", "", text, flags=re.M), encoding="utf-8")
    assert "authors:\n  - name: mfgghg" not in broken.read_text(encoding="utf-8")
    done = cffconvert_validate(broken)
    assert done.returncode != 0 and "'authors' is a required property" in done.stderr


def test_one_version_everywhere():
    """pyproject.toml, the installed metadata and CITATION.cff name the same version; the licences are
    the files the README and the packages name."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    cff = provenance.read_citation()
    assert project_version() == pyproject == cff["version"]
    assert cff["license"] == ["MIT", DATA_LICENSE["name"]]
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    data_licence = (REPO / provenance.DATA_LICENSE_FILE).read_text(encoding="utf-8")
    assert DATA_LICENSE["path"] in data_licence and "does **not** relicense" in data_licence


def test_version_from_pyproject_when_the_package_is_not_installed(monkeypatch):
    from importlib import metadata

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    project_version.cache_clear()
    try:
        assert project_version() == pyproject
    finally:
        project_version.cache_clear()


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """The project's top-level files in a folder of their own (no .git)."""
    folder = tmp_path / "project"
    folder.mkdir()
    for name in ("pyproject.toml", "CITATION.cff", "LICENSE", "README.md"):
        shutil.copy2(REPO / name, folder / name)
    (folder / "data").mkdir()
    return folder


def test_commit_of_a_git_checkout_clean_and_with_local_changes(project_copy):
    git(project_copy, "init", "-q")
    git(project_copy, "add", ".")
    git(project_copy, "commit", "-q", "-m", "first")
    head = git(project_copy, "rev-parse", "HEAD")
    clean = git_commit(project_copy)
    assert clean == Commit(head) and re.fullmatch(r"[0-9a-f]{40}", clean.sha) and clean.text == head
    (project_copy / "untracked.txt").write_text("x", encoding="utf-8")  # (as a run's temporary folder)
    assert git_commit(project_copy) == clean
    with open(project_copy / "README.md", "a", encoding="utf-8") as fh:
        fh.write("\nchanged\n")
    changed = git_commit(project_copy)
    assert changed.sha == head and changed.local_changes and changed.text == f"{head} {LOCAL_CHANGES}"
    assert changed.short == f"{head[:12]} {LOCAL_CHANGES}"


def test_this_checkout_names_its_head():
    """The repository the tests run in (a clone or a worktree): HEAD, and local changes as git sees them."""
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:  # an unpacked archive: the statement says so
        assert git_commit(REPO).sha is None and "not a git checkout" in git_commit(REPO).text
        return
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert git_commit(REPO) == Commit(head.stdout.strip(), local_changes=bool(dirty))


def test_a_folder_without_git_says_the_commit_is_unknown(project_copy):
    commit = git_commit(project_copy)
    assert commit.sha is None and not commit.local_changes
    assert commit.text == "unknown: not a git checkout (e.g. an unpacked archive)"


def test_a_project_folder_inside_another_repository_is_not_that_repositorys_commit(tmp_path, project_copy):
    outer = tmp_path
    git(outer, "init", "-q")
    (outer / "other.txt").write_text("x", encoding="utf-8")
    git(outer, "add", "other.txt")
    git(outer, "commit", "-q", "-m", "outer")
    assert git_commit(project_copy).text == "unknown: not a git checkout (e.g. an unpacked archive)"


def test_without_git_installed_the_commit_is_unknown_and_says_why(project_copy, monkeypatch):
    monkeypatch.setenv("PATH", str(project_copy))  # a PATH with no git on it
    commit = git_commit(REPO)
    assert commit.sha is None and commit.text == "unknown: git is not installed, so the commit cannot be read"


def unpacked_archive(tmp_path) -> Path:
    """The project's files as an archive unpacks them: code, data and top-level files, no .git."""
    folder = tmp_path / "unpacked"
    for name in ("src", "data"):
        shutil.copytree(REPO / name, folder / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "CITATION.cff"):
        shutil.copy2(REPO / name, folder / name)
    return folder


STAMP = ("import json\nfrom pathlib import Path\nfrom mfgghg.data import provenance as p\n"
         "root = Path.cwd()\ncommit = p.git_commit(root)\n"
         "out = {'stamp': p.stamp(commit), 'citation': p.citation(2021, commit, root)}\n"
         "print(json.dumps(out, ensure_ascii=False))\n")


def run_stamp(folder: Path) -> bytes:
    """A fresh process's stamp and citation for the project in ``folder`` (its code, its root)."""
    env = {"PATH": "/usr/bin:/bin", "MFGGHG_ROOT": str(folder), "PYTHONPATH": str(folder / "src")}
    done = subprocess.run([sys.executable, "-c", STAMP], cwd=folder, env=env, capture_output=True, check=True)
    return done.stdout


def test_an_unpacked_archive_states_version_and_no_commit_the_same_every_run(tmp_path):
    folder = unpacked_archive(tmp_path)
    first, second = run_stamp(folder), run_stamp(folder)
    assert first == second
    out = json.loads(first)
    assert out["stamp"] == {"version": project_version(),
                            "commit": "unknown: not a git checkout (e.g. an unpacked archive)"}
    assert "(version " + project_version() + ", commit unknown: not a git checkout" in out["citation"]


def test_two_runs_of_one_checkout_give_the_same_stamp(tmp_path, project_copy):
    git(project_copy, "init", "-q")
    git(project_copy, "add", ".")
    git(project_copy, "commit", "-q", "-m", "first")
    (project_copy / "src").mkdir()
    shutil.copytree(REPO / "src" / "mfgghg", project_copy / "src" / "mfgghg",
                    ignore=shutil.ignore_patterns("__pycache__"))
    # the copied code is untracked, so the checkout stays clean: the stamp names the commit alone
    first, second = run_stamp(project_copy), run_stamp(project_copy)
    assert first == second
    assert json.loads(first)["stamp"]["commit"] == git(project_copy, "rev-parse", "HEAD")


def test_a_saved_figures_meta_names_version_commit_licence_and_the_years_sources(tmp_path, styled):
    """Two saves of one figure give the same meta bytes; the pixels' files carry no version."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from mfgghg import nb
    from mfgghg.plots.style import save_figure

    shown = ("display.max_columns", "display.width", "display.max_colwidth", "display.max_rows", "display.float_format")
    with pd.option_context(*[x for key in shown for x in (key, pd.get_option(key))]):  # (nb.setup sets them)
        nb.setup(2021, figures=False)
    try:
        fig, ax = plt.subplots()
        ax.plot([1, 2], [3, 4])
        data = pd.DataFrame({"x": [1, 2]})
        save_figure(fig, "f", tmp_path / "a", data, caption="c")
        save_figure(fig, "f", tmp_path / "b", data, caption="c")
    finally:
        provenance.use_year(None)
    for ext in ("meta.json", "png", "svg"):
        assert (tmp_path / "a" / f"f.{ext}").read_bytes() == (tmp_path / "b" / f"f.{ext}").read_bytes(), ext
    meta = json.loads((tmp_path / "a" / "f.meta.json").read_text(encoding="utf-8"))
    assert meta["version"] == project_version() and meta["commit"] == provenance.current_commit().text
    assert meta["licenses"] == [DATA_LICENSE]
    report = meta["sources"][0]
    assert "110年執行成果報告" in report["title"] and report[provenance.PUBLISHER_KEY].startswith("經濟部")
    for ext in ("png", "svg"):
        raw = (tmp_path / "a" / f"f.{ext}").read_bytes()
        assert project_version().encode() not in raw and provenance.current_commit().text.encode() not in raw


def test_the_citation_in_each_edition_names_the_commit_and_what_is_known_of_it():
    """English: the commit as Commit.short gives it. Chinese: the same in Chinese; the authors and the
    title as CITATION.cff gives them (a citation keeps a work's title)."""
    cff = provenance.read_citation()
    sha = "0123456789abcdef" * 2 + "01234567"
    clean, changed, unknown = Commit(sha), Commit(sha, local_changes=True), Commit(None, note="no git here")
    for commit in (clean, changed, unknown):
        assert f"(version {project_version()}, commit {commit.short}): " in citation(2021, commit)
    chinese = {commit: citation(2021, commit, lang="zh-TW") for commit in (clean, changed, unknown)}
    assert all(text.startswith(f"{cff['authors'][0]['name']}。{cff['title']}（版本 {project_version()}")
               and "2021 年（民國 110 年）執行成果報告之圖表集" in text for text in chinese.values())
    assert f"，提交 {sha[:12]}）" in chinese[clean] and f"，提交 {sha[:12]}，含未提交的修改）" in chinese[changed]
    assert "，提交不明）" in chinese[unknown] and "no git here" not in chinese[unknown]


def test_readme_has_the_worked_citation_of_the_2021_figure_set():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How to cite", 1)[1].split("\n## ", 1)[0]
    assert citation(2021) in section
    assert "製造部門溫室氣體排放管制行動方案110年執行成果報告" in section and "經濟部" in section


def test_notebooks_and_the_data_room_never_import_the_runner():
    """The provenance module sits in the data room, below plots: the notebooks (and save_figure) reach it
    without importing the runner, which notebooks never do."""
    import ast

    import nbformat

    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert "mfgghg.runner" not in cell.source, path.name
    data_room = sorted((REPO / "src" / "mfgghg" / "data").rglob("*.py"))
    rooms = [(path, ("mfgghg.runner", "mfgghg.plots")) for path in data_room]
    for path, forbidden in rooms + [(REPO / "src" / "mfgghg" / "nb.py", ("mfgghg.runner",))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module] + [
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in imported if m.startswith(forbidden)], path
