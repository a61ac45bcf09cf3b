"""Where the index is: generations on disk, the CURRENT pointer, searchers, the writer lock.

The index lives in SEARCH_DIR as generations (gen-<time>-<random>/), with a small CURRENT
file naming the live one. Every write to the live index happens under one file lock
(`indexer_lock`, taken with retry and back-off). A rebuild (forum.search.indexer) builds a
new generation beside the live one and swaps CURRENT atomically.
"""

from __future__ import annotations

import json
import logging
import os
import random
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex

from forum.search.schema import SCHEMA_VERSION, build_schema, weighting

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
LOCK_NAME = "indexer.lock"
META = "forum-search.json"
LOCK_TIMEOUT = 60.0
# Whoosh copies a compound segment's term file into memory on every new searcher (half a
# second per searcher at 200,000 posts); plain segment files are opened, not copied.
# Every writer passes compound=False.


class IndexBusy(Exception):
    """Another process held the indexer lock for longer than we were prepared to wait."""


# --- where the index is -------------------------------------------------------------------

def search_root() -> Path:
    return Path(current_app.config["SEARCH_DIR"])


def current_path(root: Path | None = None) -> Path | None:
    root = root or search_root()
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = root / name
    return path if name and path.is_dir() else None


_indexes: dict[str, FileIndex] = {}
_indexes_lock = threading.Lock()


def open_index(root: Path | None = None) -> FileIndex | None:
    """The live index, or None before one exists (or while the live one was built by an
    earlier version of the schema). Open a new searcher from it per request."""
    path = current_path(root)
    if path is None or schema_version(path) != SCHEMA_VERSION:
        return None
    key = str(path)
    with _indexes_lock:
        ix = _indexes.get(key)
        if ix is None:
            ix = _indexes[key] = whoosh_index.open_dir(key)
        return ix


_local = threading.local()


@contextmanager
def reading(root: Path | None = None) -> Iterator[Any]:
    """A searcher on the newest version of the live index.

    Opening a searcher costs a few milliseconds per segment, so each thread keeps one and
    opens a brand-new one whenever the index has changed (a commit or a rebuild's swap).
    We never call Whoosh's `refresh()`, which can keep stale segments and deleted documents.
    """
    ix = open_index(root)
    if ix is None:
        yield None
        return
    cached = getattr(_local, "searcher", None)
    if cached is not None and (cached[0] is not ix or not cached[1].up_to_date()):
        cached[1].close()
        cached = None
    if cached is None:
        cached = _local.searcher = (ix, ix.searcher(weighting=weighting()))
    yield cached[1]


def new_generation(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = root / f"gen-{stamp}-{secrets.token_hex(3)}"
    path.mkdir()
    whoosh_index.create_in(str(path), build_schema())
    (path / META).write_text(json.dumps({"schema_version": SCHEMA_VERSION,
                                         "created": datetime.now(UTC).isoformat()}))
    return path


def swap(root: Path, path: Path) -> None:
    """Point CURRENT at `path` in one atomic rename."""
    tmp = root / f"{CURRENT}.{os.getpid()}.{threading.get_ident()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(path.name)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / CURRENT)


def schema_version(path: Path) -> int | None:
    try:
        return int(json.loads((path / META).read_text())["schema_version"])
    except (OSError, ValueError, KeyError):
        return None


@contextmanager
def indexer_lock(root: Path | None = None, timeout: float | None = None) -> Iterator[None]:
    """One writer at a time across threads and processes: retry with back-off and jitter."""
    root = root or search_root()
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    root.mkdir(parents=True, exist_ok=True)
    lock = FileStorage(str(root)).lock(LOCK_NAME)
    deadline = time.monotonic() + timeout
    delay = 0.005
    while not lock.acquire(blocking=False):
        if time.monotonic() >= deadline:
            raise IndexBusy(f"the search index in {root} stayed locked for {timeout:.0f}s")
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 0.25)
    try:
        yield
    finally:
        lock.release()


def ensure_index(root: Path | None = None) -> FileIndex:
    """The live index, created (empty) if there is none yet."""
    root = root or search_root()
    ix = open_index(root)
    if ix is not None:
        return ix
    with indexer_lock(root):
        path = current_path(root)
        if path is None or schema_version(path) != SCHEMA_VERSION:
            if path is not None:
                log.warning("The search index in %s was built by an earlier version; starting a "
                            "new one. Run `flask search rebuild` to fill it.", path)
            swap(root, new_generation(root))
    ix = open_index(root)
    assert ix is not None
    return ix


def remove_old_generations(root: Path, keep: set[str]) -> None:
    """Keep the live generation and the one before it (searchers may still be reading it)."""
    for child in root.iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
            with _indexes_lock:
                _indexes.pop(str(child), None)
            shutil.rmtree(child, ignore_errors=True)


def size_of(path: Path) -> int:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file())
