"""Keeping the index in step with the database.

The index lives in SEARCH_DIR as generations (gen-<time>-<random>/), with a small CURRENT
file naming the live one. Every write to the live index happens under one file lock
(`indexer_lock`, taken with retry and back-off), and reads the database *after* taking it,
so the last writer always writes the newest state. A rebuild builds a new generation beside
the live one, replays whatever changed while it ran, and swaps CURRENT atomically.
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex

from forum.community.models import Alliance, Board, Profession
from forum.db import utcnow
from forum.discussions.models import Post, Thread, thread_professions
from forum.discussions.queries import PAN_LONDON_SLUG
from forum.extensions import db
from forum.markup import to_text
from forum.members.models import User
from forum.notify.models import OutboxMessage
from forum.search import writeups
from forum.search.schema import CODEC, SCHEMA_VERSION, build_schema, weighting

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
LOCK_NAME = "indexer.lock"
META = "forum-search.json"
TOPIC = "search"
LOCK_TIMEOUT = 60.0
# Whoosh copies a compound segment's term file into memory on every new searcher (half a
# second per searcher at 200,000 posts); plain segment files are opened, not copied.
# Every writer below passes compound=False.


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


def _new_generation(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = root / f"gen-{stamp}-{secrets.token_hex(3)}"
    path.mkdir()
    whoosh_index.create_in(str(path), build_schema())
    (path / META).write_text(json.dumps({"schema_version": SCHEMA_VERSION,
                                         "created": datetime.now(UTC).isoformat()}))
    return path


def _swap(root: Path, path: Path) -> None:
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
            _swap(root, _new_generation(root))
    ix = open_index(root)
    assert ix is not None
    return ix


# --- documents ----------------------------------------------------------------------------

def indexable_clause():
    """What some audience may read: the rule that decides whether a post has a document."""
    return and_(
        Post.deleted_at.is_(None), Post.hidden_at.is_(None), Post.pending.is_(False),
        Thread.hidden_at.is_(None), Thread.pending.is_(False), Thread.merged_into_id.is_(None),
    )


def _rows_stmt():
    # A thread with no alliance is pan-London: it carries the pan-London alliance's name.
    pan_london = select(Alliance.name).where(Alliance.slug == PAN_LONDON_SLUG).scalar_subquery()
    return (
        select(Post.id, Post.thread_id, Post.author_id, Post.is_opening, Post.body_html,
               Post.created_at, Thread.title, Thread.board_id, Thread.alliance_id,
               Board.members_only, User.display_name, Alliance.slug.label("alliance_slug"),
               Board.name.label("board_name"),
               func.coalesce(Alliance.name, pan_london).label("alliance_name"))
        .join(Thread, Post.thread_id == Thread.id)
        .join(Board, Thread.board_id == Board.id)
        .join(User, Post.author_id == User.id)
        .outerjoin(Alliance, Thread.alliance_id == Alliance.id)
        .where(indexable_clause())
    )


def _professions(session: Session, thread_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """Each thread's profession tags: (id, name), in the professions' order."""
    ids = sorted(set(thread_ids))
    found: dict[int, list[tuple[int, str]]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        stmt = (select(thread_professions.c.thread_id, Profession.id, Profession.name)
                .join(Profession, Profession.id == thread_professions.c.profession_id)
                .where(thread_professions.c.thread_id.in_(chunk))
                .order_by(Profession.position, Profession.id))
        for thread_id, profession_id, name in session.execute(stmt):
            found.setdefault(thread_id, []).append((profession_id, name))
    return found


def timestamp(moment: datetime) -> int:
    """Microseconds since 1970 (naive datetimes are UTC, as every one we store is)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1_000_000)


def post_document(row: Any, professions: Sequence[tuple[int, str]] = ()) -> dict[str, Any]:
    body = to_text(row.body_html)
    tags = [name for _, name in professions] + [row.board_name, row.alliance_name or ""]
    return {
        "doc_key": f"post:{row.id}",
        "kind": "thread" if row.is_opening else "reply",
        "object_id": row.id,
        "group": row.thread_id,
        "group_key": str(row.thread_id),
        "title": row.title,
        "title_pairs": row.title,
        "body": body,
        "body_pairs": body,
        "author": row.display_name,
        "author_id": str(row.author_id),
        "board": str(row.board_id),
        # "0" is pan-London: no single alliance, or the pan-London alliance itself.
        "alliance": "0" if row.alliance_slug in (None, PAN_LONDON_SLUG) else str(row.alliance_id),
        "professions": " ".join(str(p) for p, _ in professions),
        "tags": " \n".join(tag for tag in tags if tag),
        "created": timestamp(row.created_at),
        "audience": "members" if row.members_only else "public",
        # Replies carry their thread's title (so "lymphoedema clinic primary care" finds a
        # reply about primary care in the lymphoedema clinic thread), at half its weight.
        "_title_boost": 1.0 if row.is_opening else 0.5,
        "_title_pairs_boost": 1.0 if row.is_opening else 0.5,
    }


def _documents_for(session: Session, post_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    ids = sorted(set(post_ids))
    docs: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 900):
        rows = list(session.execute(_rows_stmt().where(Post.id.in_(ids[start:start + 900]))))
        professions = _professions(session, (r.thread_id for r in rows))
        for row in rows:
            docs[row.id] = post_document(row, professions.get(row.thread_id, ()))
    return docs


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
    writeup_ids: set[int] = field(default_factory=set)  # QI write-ups (forum.search.writeups)
    # An erased member ("purge": true): merge the segments, so the terms of their replaced
    # documents (their name) leave the index files, not only the live documents.
    purge: bool = False

    @classmethod
    def from_payloads(cls, payloads: Iterable[dict[str, Any]]) -> Changes:
        changes = cls(set(), set())
        for payload in payloads:
            kind, ident = payload.get("kind"), payload.get("id")
            changes.purge = changes.purge or payload.get("purge") is True
            if not isinstance(ident, int):
                log.warning("Search outbox row without an id: %r", payload)
            elif kind == "post":
                changes.post_ids.add(ident)
            elif kind == "thread":
                changes.thread_ids.add(ident)
            elif kind == "qi":
                changes.writeup_ids.add(ident)
            elif kind == "author":
                changes.author_ids.add(ident)
            elif kind in ("board", "alliance", "profession"):
                getattr(changes, f"{kind}_ids").add(ident)
            else:  # a kind this version does not index yet: nothing to do
                log.info("Search outbox row of unknown kind %r ignored", kind)
        return changes

    def __bool__(self) -> bool:
        return bool(self.post_ids or self.thread_ids or self.author_ids or self.board_ids
                    or self.alliance_ids or self.profession_ids or self.writeup_ids)

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


def _apply(ix: FileIndex, changes: Changes) -> tuple[int, int]:
    """Upsert or delete every affected document as the database says now."""
    post_ids = set(changes.post_ids)
    if changes.thread_ids:
        # A thread's posts in the database, and whatever the index still files under it
        # (posts moved away by a merge must be re-read too, or they would be lost).
        with ix.searcher() as searcher:
            for segment, _ in searcher.leaf_searchers():
                if segment.reader().doc_count_all() == 0:
                    continue
                object_ids = segment.reader().column_reader("object_id")
                for thread_id in changes.thread_ids:
                    post_ids.update(object_ids[docnum] for docnum in
                                    segment.document_numbers(group_key=str(thread_id)))
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
        docs = _documents_for(session, post_ids)
        writeup_ids = changes.writeup_ids | writeups.ids_filed_under(
            session, author_ids=changes.author_ids, alliance_ids=changes.alliance_ids,
            profession_ids=changes.profession_ids)
        writeup_docs = writeups.documents_for(session, writeup_ids)
    writer = ix.writer(timeout=LOCK_TIMEOUT, delay=0.05, compound=False, codec=CODEC)
    try:
        for key, ids, found in (("post", post_ids, docs), ("qi", writeup_ids, writeup_docs)):
            for ident in sorted(ids):
                doc = found.get(ident)
                if doc is None:
                    writer.delete_by_term("doc_key", f"{key}:{ident}")
                else:
                    writer.update_document(**doc)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(optimize=changes.purge)
    upserted = len(docs) + len(writeup_docs)
    return upserted, len(post_ids) + len(writeup_ids) - upserted


def apply_changes(changes: Changes, root: Path | None = None) -> tuple[int, int]:
    """Bring the live index up to date for these changes; returns (upserted, removed)."""
    if not changes:
        return 0, 0
    root = root or search_root()
    ensure_index(root)
    with indexer_lock(root):
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
    """Documents the index should hold: indexable posts and write-ups."""
    session = session or db.session
    stmt = (select(func.count()).select_from(Post).join(Thread, Post.thread_id == Thread.id)
            .where(indexable_clause()))
    return (session.scalar(stmt) or 0) + writeups.indexable_count(session)


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
    path = _new_generation(root)
    url = db.engine.url
    try:
        with Session(db.engine) as session:
            ranges = bulk.partition(bulk.indexable_ids(session), procs) if procs > 1 else []
            if len(ranges) > 1 and not _in_memory(url):
                count = bulk.build_parallel(url.render_as_string(hide_password=False), path,
                                            ranges, progress)
            else:
                count = bulk.build_here(session, path, progress)
            count += bulk.add_writeups(session, path, progress)
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
            _swap(root, path)
    except BaseException:  # never live: nothing should keep it
        if current_path(root) != path:
            shutil.rmtree(path, ignore_errors=True)
        raise
    _remove_old_generations(root, keep={path.name, previous.name if previous else ""})
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


def _remove_old_generations(root: Path, keep: set[str]) -> None:
    """Keep the live generation and the one before it (searchers may still be reading it)."""
    for child in root.iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
            with _indexes_lock:
                _indexes.pop(str(child), None)
            shutil.rmtree(child, ignore_errors=True)


# --- status -------------------------------------------------------------------------------

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

def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file())


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
        "size_bytes": _size(path) if path else 0,
    }
