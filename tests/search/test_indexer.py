"""Keeping the index in step: sync, status, rebuild, locks, and several writers at once."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from forum import outbox, worker
from forum.discussions.models import Post
from forum.extensions import db
from forum.moderation import services as moderation
from forum.notify.models import OutboxMessage
from forum.search import indexer, search
from forum.search.indexer import IndexBusy, current_path, indexer_lock, open_index, rebuild
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]


def indexed_post_ids() -> set[int]:
    ids = indexer.indexed_object_ids()
    assert len(ids) == len(set(ids)), "a post has two documents"
    return set(ids)


def searchable_post_ids() -> set[int]:
    return set(db.session.scalars(
        select(Post.id).join(Post.thread).where(indexer.indexable_clause())))


@pytest.fixture
def author(db):
    return f.member()


def test_a_post_committed_while_the_indexer_is_stopped_is_searchable_after_sync(
        author, index, runner):
    thread = f.thread(author, title="Bowel screening", body="FIT kits in primary care.")
    assert search("bowel", viewer=author).total == 0  # nothing has applied the outbox yet
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "Applied 1 pending search changes; 0 still pending" in result.output
    assert [g.thread.id for g in search("bowel", viewer=author).groups] == [thread.id]


def test_status_compares_indexed_and_database_counts_and_shows_pending(author, index, runner, sync):
    f.thread(author, title="One", body="First.")
    sync()
    f.thread(author, title="Two", body="Second.")
    out = runner.invoke(args=["search", "status"]).output
    assert "Indexed:          1 documents" in out
    assert "In the database:  2 searchable posts" in out
    assert "Pending changes:  1" in out
    assert "not in step" in out
    sync()
    out = runner.invoke(args=["search", "status"]).output
    assert "Indexed:          2 documents" in out and "Pending changes:  0" in out
    assert "in step with the database" in out


def test_rebuild_builds_beside_the_live_index_and_swaps_it_in(author, index, runner, sync):
    thread = f.thread(author, title="Lymphoedema", body="Compression.")
    f.reply(author, thread, body="Compression garments.")
    sync()
    before = current_path()
    # A document the database no longer supports: a rebuild must drop it.
    db.session.execute(db.update(Post).where(Post.thread_id == thread.id, Post.is_opening.is_(False))
                       .values(deleted_at=indexer.utcnow()))
    db.session.commit()
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "documents/s" in result.output and "Indexed 1 documents" in result.output
    after = current_path()
    assert after != before and after.parent == before.parent
    assert before.exists(), "the previous generation is kept for searchers still reading it"
    assert indexed_post_ids() == searchable_post_ids()
    assert search("compression", viewer=author).total == 1
    runner.invoke(args=["search", "rebuild", "--quiet"])
    assert not before.exists(), "older generations are removed by the next rebuild"


def test_an_index_from_an_earlier_version_is_set_aside_and_catch_up_rebuilds_it(author, index, sync):
    thread = f.thread(author, title="Lymphoedema", body="Compression garments.")
    sync()
    old = current_path()
    meta = old / indexer.META
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "schema_version": 1}))
    assert open_index() is None  # never read or written with fields it does not have
    assert "being set up" in search("compression", viewer=author).notice
    f.reply(author, thread, body="Compression again.")
    sync()  # a write starts a new, current generation rather than failing
    assert current_path() != old
    assert indexer.catch_up(procs=1) is not None, "posts were missing, so it rebuilt"
    assert indexed_post_ids() == searchable_post_ids()
    assert search("compression", viewer=author).total == 2
    assert indexer.catch_up(procs=1) is None, "nothing to do the second time"


def test_a_rebuild_that_fails_after_building_leaves_the_live_index_and_no_leftovers(author, index, sync):
    f.thread(author, title="Lymphoedema", body="Compression garments.")
    sync()
    live = current_path()
    before = sorted(p.name for p in index.iterdir())

    def fail() -> None:
        raise RuntimeError("the disk filled up")

    with pytest.raises(RuntimeError):
        rebuild(after_build=fail)
    assert current_path() == live
    assert sorted(p.name for p in index.iterdir()) == before
    assert search("compression", viewer=author).total == 1


def test_rebuild_replays_changes_written_while_it_ran(author, index, sync):
    moderator = f.moderator()
    thread = f.thread(author, title="Delirium", body="Delirium screening.")
    doomed = f.reply(author, thread, body="Delirium: a reply that will be hidden.")
    sync()
    added: list[int] = []

    def meanwhile() -> None:
        """Runs after the new index is built, before the swap: writers use the old index."""
        added.append(f.reply(author, thread, body="Delirium: written during the rebuild.").id)
        moderation.hide_post(moderator, doomed, reason="Off topic")
        sync()

    report = rebuild(after_build=meanwhile)
    assert report.replayed >= 2
    ids = indexed_post_ids()
    assert added[0] in ids and doomed.id not in ids
    assert ids == searchable_post_ids()


def _writer(app, index: Path, thread_id: int, author_id: int, count: int, word: str):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.search._writer", app.config["SQLALCHEMY_DATABASE_URI"],
         str(index), str(thread_id), str(author_id), str(count), word],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def test_two_processes_writing_at_once_both_land(app, author, index, sync):
    thread = f.thread(author, title="Shared thread", body="Start.")
    sync()
    writers = [_writer(app, index, thread.id, author.id, 8, word) for word in ("alpha", "bravo")]
    for proc in writers:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, out
    db.session.expire_all()
    assert search("alpha", viewer=author).total == 8
    assert search("bravo", viewer=author).total == 8
    assert indexed_post_ids() == searchable_post_ids()
    assert outbox.pending_count("search") == 0


def test_a_rebuild_while_another_process_writes_loses_nothing(app, author, index, sync):
    thread = f.thread(author, title="Busy thread", body="Start.")
    for n in range(30):
        f.reply(author, thread, body=f"Earlier reply {n}.")
    sync()
    proc = _writer(app, index, thread.id, author.id, 25, "charlie")
    rebuilds = 0
    def written() -> int:
        db.session.rollback()  # a fresh snapshot each time round
        return db.session.scalar(select(db.func.count()).select_from(Post).where(
            Post.body_source.like("charlie%"))) or 0

    # Rebuild again and again while the replies are being written, never after the last one.
    while proc.poll() is None and written() < 25:
        rebuild()
        rebuilds += 1
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    assert rebuilds >= 1
    sync()
    db.session.expire_all()
    assert search("charlie", viewer=author).total == 25
    assert indexed_post_ids() == searchable_post_ids()


def test_writers_wait_for_the_lock_with_back_off_instead_of_failing(author, index, sync):
    f.thread(author, title="Locked", body="Waiting for the lock.")
    released = threading.Event()

    def hold() -> None:
        with indexer_lock(index):
            time.sleep(0.6)
        released.set()

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.1)
    started = time.monotonic()
    assert sync() == 1
    assert released.is_set() and time.monotonic() - started >= 0.3
    holder.join()
    assert search("waiting", viewer=author).total == 1


def test_a_lock_held_too_long_leaves_the_rows_pending_for_a_retry(author, index, app):
    f.thread(author, title="Stuck", body="Stuck behind a lock.")
    with indexer_lock(index):
        with pytest.raises(IndexBusy), indexer_lock(index, timeout=0.2):
            pass
        old = indexer.LOCK_TIMEOUT
        indexer.LOCK_TIMEOUT = 0.2
        try:
            assert outbox.process("search") == 0  # the handler gave up; nothing is lost
        finally:
            indexer.LOCK_TIMEOUT = old
    row = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "search")).one()
    assert row.processed_at is None and row.attempts == 1 and "locked" in row.last_error


def test_searching_never_waits_for_the_writer_lock(author, index, sync):
    f.thread(author, title="Readers", body="Readers never block.")
    sync()
    with indexer_lock(index):
        started = time.monotonic()
        assert search("readers", viewer=author).total == 1
        # Far below the writer's 60 s lock wait: the search did not queue behind the writer.
        assert time.monotonic() - started < 20


def test_the_in_process_worker_makes_a_new_post_searchable_without_a_sync(app, author, index):
    # The commit wakes the worker; how soon is a speed, measured in bench/, not asserted here.
    stop = worker.start(app)
    try:
        committed = time.monotonic()
        f.thread(author, title="Worker", body="Applied by the worker thread.")
        while search("worker", viewer=author).total == 0:
            assert time.monotonic() - committed < 30, "the worker did not index the post"
            time.sleep(0.02)
            db.session.expire_all()
    finally:
        stop.set()
        outbox.wake.set()
