"""Keeping the index in step with the database: outbox changes, rebuilds, status.

Every write to the live index happens under the indexer lock (forum.search.store) and reads
the database *after* taking it, so the last writer always writes the newest state. A rebuild
builds a new generation beside the live one, replays whatever changed while it ran, and swaps
CURRENT atomically. Posts are documents (forum.search.documents); so is every registered kind
(forum.search.kinds), whose outbox rows are {"kind": <its key>, "id": <its id>}.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.index import FileIndex

from forum.community.models import Alliance
from forum.db import utcnow
from forum.discussions.models import Post, Thread, thread_professions
from forum.discussions.queries import PAN_LONDON_SLUG
from forum.extensions import db
from forum.notify.models import OutboxMessage
from forum.search import documents, kinds
from forum.search.documents import indexable_clause, post_document, timestamp
from forum.search.schema import CODEC, SCHEMA_VERSION
from forum.search.store import (
    CURRENT,
    LOCK_TIMEOUT,
    META,
    IndexBusy,
    current_path,
    ensure_index,
    indexer_lock,
    new_generation,
    open_index,
    reading,
    remove_old_generations,
    schema_version,
    search_root,
    size_of,
    swap,
)

__all__ = ["CURRENT", "META", "Changes", "IndexBusy", "RebuildReport", "apply_changes", "catch_up",
           "current_path", "ensure_index", "handle_outbox", "indexable_clause", "indexable_count",
           "indexed_object_ids", "indexer_lock", "open_index", "post_document", "reading", "rebuild",
           "schema_version", "status", "sync", "timestamp", "utcnow"]

log = logging.getLogger(__name__)

TOPIC = "search"
_new_generation = new_generation  # the tests' name for it


# --- applying changes ---------------------------------------------------------------------

@dataclass
class Changes:
    post_ids: set[int]
    thread_ids: set[int]
    author_ids: set[int] = field(default_factory=set)  # a renamed member: every post of theirs
    # A renamed board, alliance or profession: every post of the threads filed under it.
    board_ids: set[int] = field(default_factory=set)
    alliance_ids: set[int] = field(default_factory=set)
    profession_ids: set[int] = field(default_factory=set)
    kind_ids: dict[str, set[int]] = field(default_factory=dict)  # registered kinds' own ids

    @classmethod
    def from_payloads(cls, payloads: Iterable[dict[str, Any]]) -> Changes:
        changes = cls(set(), set())
        for payload in payloads:
            kind, ident = payload.get("kind"), payload.get("id")
            if not isinstance(ident, int):
                log.warning("Search outbox row without an id: %r", payload)
            elif kind == "post":
                changes.post_ids.add(ident)
            elif kind == "thread":
                changes.thread_ids.add(ident)
            elif kind == "author":
                changes.author_ids.add(ident)
            elif kind in ("board", "alliance", "profession"):
                getattr(changes, f"{kind}_ids").add(ident)
            elif kinds.get(kind) is not None:
                changes.kind_ids.setdefault(kind, set()).add(ident)
            else:  # a kind this version does not index yet: nothing to do
                log.info("Search outbox row of unknown kind %r ignored", kind)
        return changes

    def __bool__(self) -> bool:
        return bool(self.post_ids or self.thread_ids or self.renamed() or any(self.kind_ids.values()))

    def renamed(self) -> kinds.Renamed:
        return kinds.Renamed(frozenset(self.author_ids), frozenset(self.board_ids),
                             frozenset(self.alliance_ids), frozenset(self.profession_ids))

    def filed_under(self):
        """The threads of the renamed boards, alliances and professions, as a SQL condition
        (None if there are none)."""
        conditions = []
        if self.board_ids:
            conditions.append(Thread.board_id.in_(sorted(self.board_ids)))
        if self.alliance_ids:
            conditions.append(Thread.alliance_id.in_(sorted(self.alliance_ids)))
            pan_london = select(Alliance.id).where(Alliance.slug == PAN_LONDON_SLUG,
                                                   Alliance.id.in_(sorted(self.alliance_ids)))
            conditions.append(and_(Thread.alliance_id.is_(None), pan_london.exists()))
        if self.profession_ids:
            conditions.append(Thread.id.in_(select(thread_professions.c.thread_id).where(
                thread_professions.c.profession_id.in_(sorted(self.profession_ids)))))
        return or_(*conditions) if conditions else None


def _thread_post_ids(ix: FileIndex, thread_ids: set[int]) -> set[int]:
    """Whatever the index still files under these threads (posts moved away by a merge must
    be re-read too, or they would be lost)."""
    found: set[int] = set()
    with ix.searcher() as searcher:
        for segment, _ in searcher.leaf_searchers():
            if segment.reader().doc_count_all() == 0:
                continue
            object_ids = segment.reader().column_reader("object_id")
            for thread_id in thread_ids:
                found.update(object_ids[docnum] for docnum in
                             segment.document_numbers(group_key=str(thread_id)))
    return found


def _apply(ix: FileIndex, changes: Changes) -> tuple[int, int]:
    """Upsert or delete every affected document as the database says now."""
    post_ids = set(changes.post_ids)
    if changes.thread_ids:
        post_ids |= _thread_post_ids(ix, changes.thread_ids)
    renamed = changes.renamed()
    affected: list[tuple[str, set[int], dict[int, dict[str, Any]]]] = []
    with Session(db.engine) as session:  # a fresh snapshot, read after taking the lock
        if changes.thread_ids:
            post_ids.update(session.scalars(
                select(Post.id).where(Post.thread_id.in_(sorted(changes.thread_ids)))))
        if changes.author_ids:
            post_ids.update(session.scalars(
                select(Post.id).where(Post.author_id.in_(sorted(changes.author_ids)))))
        if (filed_under := changes.filed_under()) is not None:
            post_ids.update(session.scalars(
                select(Post.id).join(Thread, Post.thread_id == Thread.id).where(filed_under)))
        affected.append(("post", post_ids, documents.documents_for(session, post_ids)))
        for kind in kinds.all_kinds():
            ids = set(changes.kind_ids.get(kind.key, ()))
            if renamed:
                ids |= kind.ids_filed_under(session, renamed)
            if ids:
                affected.append((kind.key, ids, kind.documents(session, ids)))
    writer = ix.writer(timeout=LOCK_TIMEOUT, delay=0.05, compound=False, codec=CODEC)
    try:
        for key, ids, found in affected:
            for ident in sorted(ids):
                doc = found.get(ident)
                if doc is None:
                    writer.delete_by_term("doc_key", f"{key}:{ident}")
                else:
                    writer.update_document(**doc)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    upserted = sum(len(found) for _, _, found in affected)
    return upserted, sum(len(ids) for _, ids, _ in affected) - upserted


def apply_changes(changes: Changes, root: Path | None = None) -> tuple[int, int]:
    """Bring the live index up to date for these changes; returns (upserted, removed)."""
    if not changes:
        return 0, 0
    root = root or search_root()
    ensure_index(root)
    with indexer_lock(root, timeout=LOCK_TIMEOUT):
        ix = open_index(root)  # read CURRENT under the lock: a rebuild may have swapped it
        assert ix is not None
        return _apply(ix, changes)


def handle_outbox(messages: Sequence[OutboxMessage]) -> None:
    """The outbox handler for topic "search"."""
    apply_changes(Changes.from_payloads(m.payload for m in messages))


def sync() -> int:
    """Apply every pending search outbox row now; returns how many were applied."""
    from forum import outbox

    return outbox.process_all(TOPIC)


# --- rebuild ------------------------------------------------------------------------------

@dataclass
class RebuildReport:
    documents: int
    seconds: float
    replayed: int
    path: Path

    @property
    def rate(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def indexable_count(session: Session | None = None) -> int:
    """Documents the index should hold: indexable posts and every kind's objects."""
    session = session or db.session
    return documents.indexable_count(session) + sum(kind.indexable_count(session)
                                                    for kind in kinds.all_kinds())


def rebuild(*, progress: Callable[[int], None] | None = None, procs: int = 1,
            after_build: Callable[[], None] | None = None) -> RebuildReport:
    """Build a fresh index beside the live one, catch up with changes made meanwhile, swap.

    Changes written while the build runs are applied to the old index by the usual writers;
    the swap happens under the indexer lock after replaying every search row that was not
    yet processed when the build began, so none is lost. With procs > 1 the posts are split
    by id between that many processes (forum.search.bulk).
    """
    from forum.search import bulk

    root = search_root()
    started, began = time.monotonic(), utcnow()
    with Session(db.engine) as session:
        mark = session.scalar(select(func.max(OutboxMessage.id))) or 0
    path = new_generation(root)
    url = db.engine.url
    try:
        with Session(db.engine) as session:
            ranges = bulk.partition(documents.indexable_ids(session), procs) if procs > 1 else []
            if len(ranges) > 1 and not _in_memory(url):
                count = bulk.build_parallel(url.render_as_string(hide_password=False), path,
                                            ranges, progress)
            else:
                count = bulk.build_here(session, path, progress)
            count += bulk.add_kinds(session, path, progress)
        ix = whoosh_index.open_dir(str(path))
        if after_build:
            after_build()
        with indexer_lock(root):
            with Session(db.engine) as session:
                payloads = session.scalars(select(OutboxMessage.payload).where(
                    OutboxMessage.topic == TOPIC,
                    or_(OutboxMessage.id > mark, OutboxMessage.processed_at.is_(None),
                        OutboxMessage.processed_at >= began),
                ))
                changes = Changes.from_payloads(payloads)
            replayed = sum(_apply(ix, changes)) if changes else 0
            previous = current_path(root)
            swap(root, path)
    except BaseException:  # never live: nothing should keep it
        if current_path(root) != path:
            shutil.rmtree(path, ignore_errors=True)
        raise
    remove_old_generations(root, keep={path.name, previous.name if previous else ""})
    return RebuildReport(count, time.monotonic() - started, replayed, path)


def catch_up(procs: int | None = None) -> RebuildReport | None:
    """Apply pending changes; rebuild if the index still differs from the database (a new
    machine, or an index from an earlier version). What `python -m forum` runs at start."""
    sync()
    ix = open_index()
    if ix is not None and ix.doc_count() == indexable_count():
        return None
    return rebuild(procs=procs or default_procs())


def default_procs() -> int:
    """Indexing processes for a rebuild: one per core, up to four."""
    return max(1, min(4, os.cpu_count() or 1))


def _in_memory(url: Any) -> bool:
    """An SQLite database only this process can see: other processes cannot help index it."""
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def indexed_object_ids(ix: FileIndex | None = None) -> list[int]:
    """The object id of every live document (deleted ones left out), for checks and tests."""
    ix = ix or open_index()
    found: list[int] = []
    if ix is None:
        return found
    with ix.searcher() as searcher:
        for segment, _ in searcher.leaf_searchers():
            reader = segment.reader()
            if reader.doc_count_all() == 0:
                continue
            object_ids = reader.column_reader("object_id")
            found.extend(object_ids[docnum] for docnum in reader.all_doc_ids())
    return found


def status() -> dict[str, Any]:
    """Indexed documents against the database, and outbox rows still to apply."""
    from forum import outbox

    path = current_path()
    ix = open_index()
    indexed = ix.doc_count() if ix is not None else 0
    failed = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.topic == TOPIC, OutboxMessage.processed_at.is_(None),
        OutboxMessage.attempts >= outbox.MAX_ATTEMPTS)) or 0
    return {
        "path": str(path) if path else None,
        "schema_version": schema_version(path) if path else None,
        "schema_current": SCHEMA_VERSION,
        "indexed": indexed,
        "database": indexable_count(),
        "posts_total": db.session.scalar(select(func.count()).select_from(Post)) or 0,
        "pending": outbox.pending_count(TOPIC),
        "failed": failed,
        "size_bytes": size_of(path) if path else 0,
    }
