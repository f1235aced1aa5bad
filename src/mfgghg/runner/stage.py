"""Stage: the year's lock and the staging folder under ``build/<year>/`` that the notebooks write
into; nothing outside it is touched until :mod:`mfgghg.runner.publish` swaps it in.
"""

from __future__ import annotations

import fcntl
import shutil
from contextlib import contextmanager
from pathlib import Path

from mfgghg.errors import RunError

@contextmanager
def year_lock(build_dir: Path, year: int):
    """Refuse a second concurrent run of the same year instead of letting both write."""
    build_dir.mkdir(parents=True, exist_ok=True)
    lock_path = build_dir / f"{year}.lock"
    with open(lock_path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(f"another run for report year {year} is in progress (lock {lock_path})") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def open_staging(build_dir: Path) -> Path:
    """A fresh staging folder in ``build_dir`` (call it holding the year's lock): stale ones of a
    killed run are removed first. A fixed name keeps the executed notebooks identical across runs."""
    build_dir.mkdir(parents=True, exist_ok=True)
    for stale in build_dir.glob(".staging-*"):  # left by a killed run; we hold the lock, so no one uses it
        shutil.rmtree(stale, ignore_errors=True)
    staging = build_dir / ".staging-run"
    staging.mkdir()
    return staging
