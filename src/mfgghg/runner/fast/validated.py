"""Raw tables validated once per fork server: the runner's batch speed-up ``validated-tables``.

A yearly run validates its raw files twice: the preflight does it in the kernel fork server before any
kernel is launched, and the ingest notebook does it again in its kernel. :func:`install_for_batch`
(run by the fork server before its preflight, ``runner.execute.fork_server_preload``) puts a memo in
front of :func:`mfgghg.data.package.read_resource` in that process, so the ingest kernel, forked
after the preflight, finds the tables the preflight validated (the ingest is the one notebook every
other waits for). It keeps what ``read_resource`` returned under a digest of everything that reading
depends on (the file's bytes, its description, and the reference values it is checked against): a
changed byte is a new key and is validated again. Only successful reads are kept; callers get copies.
A researcher's kernel, nbval's and the plain papermill CLI keep nothing.

The test session installs the same memo (:func:`install`) in its own process and its fork server:
the tests read unchanged copies of the same raw files hundreds of times. ``tests/test_datapackage.py``
checks that the memo never hides a change.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from pathlib import Path

from mfgghg.data import package
from mfgghg.data.package import _allowed_values, values_from

NAME = "validated-tables"  # (the speed-up's name: mfgghg.runner.fast.NAMES)
PLAIN_READ_RESOURCE = package.read_resource
MAX_TABLES = 256


def content_keys(path: Path, resource: dict, reference: dict | None) -> tuple[str | None, str | None]:
    """Digests of everything a table's reading depends on: read with ``reference`` and read without
    reference values (the same when ``reference`` is None). None where a key cannot be formed (the
    file unreadable, a reference table missing): such reads are not kept."""
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
    """Content key → (typed data, text, notes), the oldest dropped past ``max_tables``."""

    def __init__(self, max_tables: int = MAX_TABLES):
        self.max_tables = max_tables
        self._kept: OrderedDict[str, tuple] = OrderedDict()
        self._lock = threading.Lock()  # (a multi-year run reads in threads)

    def get(self, key: str | None):
        with self._lock:
            kept = self._kept.get(key) if key is not None else None
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

    def __len__(self) -> int:
        return len(self._kept)


def install(store: ValidatedTables | None = None) -> ValidatedTables:
    """Put the memo in front of ``mfgghg.data.package.read_resource`` in this process (the module's
    own reads, :func:`~mfgghg.data.package.read_package` among them, go through it); returns its store."""
    store = ValidatedTables() if store is None else store

    @functools.wraps(PLAIN_READ_RESOURCE)
    def read_resource(folder, resource, reference=None):
        path = Path(folder) / resource["path"]
        key, weaker = content_keys(path, resource, reference)
        kept = store.get(key)
        if kept is None:
            table = PLAIN_READ_RESOURCE(folder, resource, reference)
            if key is not None:
                store.put((weaker, key), (table.data.copy(), table.text.copy(), list(table.notes)))
            return table
        data, text, notes = kept
        for note in notes:  # (logged as a read logs them)
            package.log.info("%s: %s", path.name, note)
        return package.RawTable(resource["name"], path, data.copy(), text.copy(), resource, list(notes))

    package.read_resource = read_resource
    return store


def install_for_batch() -> list[str]:
    """:func:`install`, in a runner's fork server, unless the batch speed-ups are off or this one is
    skipped (``MFGGHG_FAST``, ``MFGGHG_FAST_SKIP``); returns the name installed, if any."""
    from mfgghg.runner.fast import speedup_enabled

    if not speedup_enabled(NAME):
        return []
    install()
    return [NAME]
