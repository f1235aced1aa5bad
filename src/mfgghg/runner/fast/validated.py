"""Tables already validated, kept by content in a batch run's processes: the runner's fork server
validates the year's raw data (its preflight) and every kernel forked after it finds them, so the
ingest and the notebooks that read raw files do not validate them again. The same bytes under the
same description (and the same reference values) always give the same table; a changed byte is a new
key. Only successful reads are kept; callers get copies.

Installed (:func:`install`) in the fork server only, behind the batch switch (speed-up
``validation-cache``, see :mod:`mfgghg.runner.fast`): a researcher's ingest runs none of this.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from pathlib import Path

from mfgghg.data import package
from mfgghg.data.package import _allowed_values, values_from
from mfgghg.runner.fast import speedup_enabled

NAME = "validation-cache"
MAX_TABLES = 256


def content_keys(path: Path, resource: dict, reference: dict | None) -> tuple[str | None, str | None]:
    """Digests of everything a table's reading depends on: read with ``reference`` and read without
    reference values (the same when ``reference`` is None). None where a key cannot be formed (the
    file unreadable, a reference table missing): such reads are not kept. The file is read once."""
    try:
        base = hashlib.sha256(path.read_bytes())
    except OSError:
        return None, None
    base.update(json.dumps(resource, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    without = base.copy()
    without.update(b"no reference")
    if reference is None:
        return without.hexdigest(), without.hexdigest()
    digest = base.copy()
    digest.update(b"reference")
    for f in resource["schema"]["fields"]:
        spec = values_from(f)
        if spec:
            try:
                digest.update(repr((spec, _allowed_values(spec, reference))).encode("utf-8"))
            except (KeyError, AttributeError):
                return None, without.hexdigest()
    return digest.hexdigest(), without.hexdigest()


class ValidatedTables:
    """Content key → (typed data, text, notes), the oldest dropped past :data:`MAX_TABLES`."""

    def __init__(self, max_tables: int = MAX_TABLES):
        self.max_tables = max_tables
        self._kept: OrderedDict[str, tuple] = OrderedDict()
        self._lock = threading.Lock()  # a multi-year run reads in threads

    keys = staticmethod(content_keys)

    def get(self, key: str):
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
            return kept

    def put(self, keys, value) -> None:
        """Keep ``value`` under each key (a table checked against reference values also passes the
        checks made without them, with the same typed values: a read without them finds it too)."""
        with self._lock:
            for key in dict.fromkeys(filter(None, keys)):
                self._kept[key] = value
            while len(self._kept) > self.max_tables:
                self._kept.popitem(last=False)

    def tables(self) -> dict:
        with self._lock:
            return dict(self._kept)

    def __len__(self) -> int:
        return len(self._kept)


def install() -> bool:
    """Keep validated tables in this process (the fork server; the kernels forked from it inherit
    them), unless the batch switch or ``MFGGHG_FAST_SKIP`` turns it off."""
    if not speedup_enabled(NAME):
        return False
    if package.VALIDATION_CACHE is None:
        package.VALIDATION_CACHE = ValidatedTables()
    return True
