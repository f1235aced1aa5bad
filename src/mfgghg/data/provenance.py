"""What made an output, on what terms it may be reused, and how to cite it.

- :func:`project_version`: the version of the ``mfgghg`` distribution (package metadata; from
  ``pyproject.toml`` when the package is run from a source folder without being installed).
- :func:`git_commit`: the commit of the project's git checkout, with whether the work tree has local
  changes; when the project is not a git checkout (an unpacked archive, a copied folder) or git
  cannot be run, it says so (``Commit.sha`` is ``None`` and ``Commit.text`` names why).
- :data:`DATA_LICENSE` (CC BY 4.0, ``LICENSE-DATA.md``) covers the project's derived data and
  figures; the code is MIT (``LICENSE``). Neither covers the sources: the execution reports and the
  outside sources stay under their publishers' own terms, named in each package's ``sources``.
- :func:`citation`: the figure set's citation, from ``CITATION.cff``.

Deterministic: the same checkout gives the same answer (no dates, no host names). Which output
names what (README, "How to cite"): committed files (``data/processed/<year>/``) carry the version
only, since a file cannot name the commit that contains it; the figure set (``figures/<year>/``,
not committed) carries the commit too.
"""

from __future__ import annotations

import functools
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mfgghg.data.paths import repo_root, roc_year

DISTRIBUTION = "mfgghg"
DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International (the project's derived data and figures; "
             "the sources keep their own terms, see sources)",
}
CODE_LICENSE = {"name": "MIT", "title": "MIT License (the project's code, LICENSE)"}
DATA_LICENSE_FILE = "LICENSE-DATA.md"
CITATION_FILE = "CITATION.cff"
PUBLISHER_KEY = "mfgghg:publisher"  # a source's publisher (the spec's sources have title, path, email only)
COMMIT_KEY = "mfgghg:commit"  # in the figure set's copy of a year's data package only (see module docstring)
LOCAL_CHANGES = "with local changes"
LOCAL_CHANGES_ZH = "含未提交的修改"
# Why a commit is unknown (Commit.note), and how the yearly page's Chinese edition says it.
NO_GIT = "git is not installed, so the commit cannot be read"
NOT_A_CHECKOUT = "not a git checkout (e.g. an unpacked archive)"
NO_COMMIT = "a git repository without any commit"
COMMIT_NOTES_ZH = {NO_GIT: "未安裝 Git，無法讀取", NOT_A_CHECKOUT: "不是 Git 儲存庫的檢出（例如解開的封存檔）",
                   NO_COMMIT: "Git 儲存庫尚無任何提交"}


@functools.lru_cache(maxsize=None)
def project_version() -> str:
    """The version of the installed ``mfgghg`` distribution, else the one ``pyproject.toml`` states
    (read once per process: looking up the metadata costs milliseconds, and a notebook saves many figures)."""
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    import tomllib

    pyproject = repo_root() / "pyproject.toml"
    return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])


@dataclass(frozen=True)
class Commit:
    """The commit an output was made from: ``sha`` (40 hex digits) or ``None`` with the reason in ``note``."""

    sha: str | None
    local_changes: bool = False
    note: str = ""

    @property
    def text(self) -> str:
        """``<sha>``, ``<sha> with local changes``, or why there is none."""
        if self.sha is None:
            return f"unknown: {self.note}"
        return f"{self.sha} {LOCAL_CHANGES}" if self.local_changes else self.sha

    def shown(self, lang: str) -> tuple[str | None, str]:
        """The commit as the yearly page's edition ``lang`` shows it: the sha (None when unknown) and
        the words that follow it (local changes, or why it is unknown; with their own separator), in
        that edition's language. The metadata records :attr:`text`, in English."""
        if lang == "en":
            if self.sha is None:
                return None, self.text
            return self.sha, f" {LOCAL_CHANGES}" if self.local_changes else ""
        if self.sha is None:
            reason = COMMIT_NOTES_ZH.get(self.note)
            return None, f"不明：{reason}" if reason else "不明"
        return self.sha, f"（{LOCAL_CHANGES_ZH}）" if self.local_changes else ""

    @property
    def short(self) -> str:
        if self.sha is None:
            return self.text
        return f"{self.sha[:12]} {LOCAL_CHANGES}" if self.local_changes else self.sha[:12]


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True,
                          stdin=subprocess.DEVNULL)
    return done.stdout


def git_commit(root: Path | None = None) -> Commit:
    """The commit checked out in the project folder ``root`` (default: the repository root).

    Only a repository whose top level is ``root`` itself counts: a project folder copied into some
    other repository is not that repository's commit. Local changes are changes to tracked files,
    staged or not. Untracked files are not counted: a run's own temporary folders (the ingest's
    ``data/processed/.<year>.tmp-*``) appear and vanish while other kernels of the same run ask, and
    must not change what they record; a new file changes an output only through a tracked file
    that uses it."""
    root = Path(root) if root is not None else repo_root()
    try:
        top = _git(root, "rev-parse", "--show-toplevel").strip()
    except FileNotFoundError:
        return Commit(None, note=NO_GIT)
    except subprocess.CalledProcessError:
        return Commit(None, note=NOT_A_CHECKOUT)
    if Path(top).resolve() != root.resolve():
        return Commit(None, note=NOT_A_CHECKOUT)
    try:
        sha = _git(root, "rev-parse", "--verify", "HEAD").strip()
    except subprocess.CalledProcessError:
        return Commit(None, note=NO_COMMIT)
    try:
        # --no-optional-locks: kernels of one run ask at once; none may take the index lock from another
        changes = _git(root, "--no-optional-locks", "status", "--porcelain", "--untracked-files=no").strip()
    except subprocess.CalledProcessError as err:
        return Commit(sha, local_changes=True, note=f"git status failed: {err.stderr.strip()}")
    return Commit(sha, local_changes=bool(changes))


@functools.lru_cache(maxsize=None)
def _commit_of(root: str) -> Commit:
    return git_commit(Path(root))


def current_commit() -> Commit:
    """:func:`git_commit` of the repository, read once per process (a run's outputs all name one commit)."""
    return _commit_of(str(repo_root()))


def stamp(commit: Commit | None = None) -> dict:
    """What a published, non-committed output records of what made it: version and commit."""
    commit = current_commit() if commit is None else commit
    return {"version": project_version(), "commit": commit.text}


# --- sources -------------------------------------------------------------------------------------

def package_sources(descriptor: dict) -> list[dict]:
    """A data package's package-level ``sources`` (each with title and, where known, publisher)."""
    return [dict(s) for s in descriptor.get("sources", [])]


def file_sections(descriptor: dict, prefix: str = "") -> dict[str, str]:
    """``{prefix + path: section}`` of each file of a data package whose ``source`` names the section of
    the report (or of the outside source) it comes from: a year's raw package says where that year's
    report prints each file's data, and the processed tables built from the file name the same place."""
    out = {}
    for resource in descriptor.get("resources", []):
        section = (resource.get("source") or {}).get("section")
        if section and resource.get("path"):
            out[f"{prefix}{resource['path']}"] = str(section)
    return out


def merge_sources(*groups) -> list[dict]:
    """Sources of several packages, in order, each title once."""
    seen, out = set(), []
    for group in groups:
        for source in group:
            if source.get("title") not in seen:
                seen.add(source.get("title"))
                out.append(dict(source))
    return out


def year_sources(processed_dir: Path) -> list[dict]:
    """The sources named by a year's processed package (``[]`` when it is not there yet)."""
    path = Path(processed_dir) / "datapackage.json"
    try:
        stat = path.stat()
    except OSError:
        return []
    return [dict(s) for s in _sources_of(str(path), stat.st_mtime_ns, stat.st_size)]


@functools.lru_cache(maxsize=8)
def _sources_of(path: str, mtime_ns: int, size: int) -> tuple[dict, ...]:
    # read once per version of the file (a notebook saves many figures of one year)
    return tuple(package_sources(json.loads(Path(path).read_text(encoding="utf-8"))))


# The processed folder of the report year the notebook set up (nb.setup), whose sources a saved figure
# names; None until a notebook calls nb.setup.
_YEAR = {"processed": None}


def use_year(processed_dir: Path | None) -> None:
    """Name the processed folder whose package's sources the figures saved from now on name."""
    _YEAR["processed"] = None if processed_dir is None else Path(processed_dir)


def figure_sources() -> list[dict]:
    """The sources of the report year set up by :func:`mfgghg.nb.setup` (``[]`` if none was)."""
    return [] if _YEAR["processed"] is None else year_sources(_YEAR["processed"])


def figure_meta(sources=None) -> dict:
    """What a saved figure's ``<name>.meta.json`` records beside its title and caption: version,
    commit, licence and sources (those of the year set up by :func:`mfgghg.nb.setup` unless given).
    The figure's pixels (PNG, SVG) record none of it."""
    return {**stamp(), "licenses": [dict(DATA_LICENSE)],
            "sources": figure_sources() if sources is None else [dict(s) for s in sources]}


# --- citation ------------------------------------------------------------------------------------

def read_citation(root: Path | None = None) -> dict:
    """``CITATION.cff`` as a dict."""
    import yaml

    path = (Path(root) if root is not None else repo_root()) / CITATION_FILE
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _names(people: list[dict]) -> str:
    out = []
    for person in people:
        if "name" in person:
            out.append(person["name"])
        else:
            out.append(" ".join(p for p in (person.get("given-names"), person.get("family-names")) if p))
    return ", ".join(out)


# The figure set's citation in each edition (README's "How to cite" gives the English). The authors and
# the title are names, as CITATION.cff gives them; what is said of them is in the edition's language.
CITATION_FORMS = {
    "en": {"text": ("{authors}. {title} (version {version}{commit}): figure set for the {year} (ROC {roc}) "
                    "execution report. Licensed under CC BY 4.0."),
           "commit": ", commit {sha}", "local_changes": f" {LOCAL_CHANGES}", "no_commit": ", commit unknown: {note}"},
    "zh-TW": {"text": ("{authors}。{title}（版本 {version}{commit}）：{year} 年（民國 {roc} 年）執行成果報告之圖表集。"
                       "以 CC BY 4.0 授權。"),
              "commit": "，提交 {sha}", "local_changes": f"，{LOCAL_CHANGES_ZH}", "no_commit": "，提交不明"},
}


def citation(year: int, commit: Commit | None = None, root: Path | None = None, lang: str = "en") -> str:
    """The citation of a year's figure set: authors, title, version (and commit, when given),
    the figure set, the licence, in the edition ``lang``. ``commit=None`` leaves the commit out
    (README's worked example)."""
    form = CITATION_FORMS[lang]
    cff = read_citation(root)
    if commit is None:
        commit_part = ""
    elif commit.sha is None:
        commit_part = form["no_commit"].format(note=commit.note)
    else:
        commit_part = form["commit"].format(sha=commit.sha[:12])
        if commit.local_changes:
            commit_part += form["local_changes"]
    return form["text"].format(authors=_names(cff["authors"]), title=cff["title"], version=cff["version"],
                               commit=commit_part, year=year, roc=roc_year(year))
