"""Counters under load: every kept counter matches a fresh count after members write at once
from their own connections; `flask content recount` repairs counters already wrong."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select, update

from forum.community.models import Board
from forum.discussions import queries
from forum.discussions.counters import fresh_counts, kept_counts
from forum.discussions.models import Post, Thread
from forum.discussions.services import edit_post, reply_to_thread, start_thread
from forum.errors import InvalidInput
from forum.members.models import User
from forum.moderation import services as moderation
from forum.moderation.models import Report
from tests import factories as f

WORKERS = 8


def run_at_once(app, db, jobs: list[Callable[[], None]]) -> None:
    """Run each job in its own thread, app context, session and connection, all released at
    once. SQLite takes one writer at a time, so there the jobs queue for a lock (the test then
    runs serialised); PostgreSQL runs them truly concurrently."""
    serialise = threading.Lock() if db.engine.dialect.name == "sqlite" else None
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                with serialise or contextlib.nullcontext():
                    job()
            except BaseException as error:  # reported below, in the test
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    db.session.expire_all()


def assert_counters_fresh(db) -> None:
    kept, fresh = kept_counts(), fresh_counts()
    wrong = {key: (kept.get(key), value) for key, value in fresh.items() if kept.get(key) != value}
    assert not wrong, f"counter: (kept, fresh) {wrong}"


@pytest.fixture
def writers(db):
    return [f.member() for _ in range(WORKERS)]


def test_concurrent_replies_keep_every_counter(app, db, writers):
    boards = [f.board(), f.board("quality-improvement")]
    threads = [f.thread(writers[i], board=boards[i % 2]) for i in range(3)]
    thread_ids, ids = [t.id for t in threads], [w.id for w in writers]

    def replier(n: int) -> Callable[[], None]:
        def job() -> None:
            user = db.session.get(User, ids[n])
            for k in range(6):
                thread = queries.get_thread(thread_ids[(n + k) % len(thread_ids)])
                reply_to_thread(user, thread, body=f"Reply {k} from member {n}")
        return job

    run_at_once(app, db, [replier(n) for n in range(WORKERS)])

    assert db.session.scalar(select(func.count()).select_from(Post)) == 3 + 6 * WORKERS
    assert_counters_fresh(db)
    for thread in db.session.scalars(select(Thread)):
        latest = db.session.scalar(select(func.max(Post.created_at))
                                   .where(Post.thread_id == thread.id))
        assert thread.last_activity_at == latest


def test_concurrent_new_discussions_keep_board_and_member_counters(app, db, writers):
    ids = [w.id for w in writers]

    def starter(n: int) -> Callable[[], None]:
        def job() -> None:
            user, board = db.session.get(User, ids[n]), f.board()
            for k in range(3):
                start_thread(user, board=board, title=f"Question {k} from {n}", body="How?")
        return job

    run_at_once(app, db, [starter(n) for n in range(WORKERS)])

    board = f.board()
    assert board.thread_count == 3 * WORKERS
    latest = db.session.scalar(select(func.max(Thread.last_activity_at)))
    assert board.last_activity_at == latest
    assert_counters_fresh(db)


def test_concurrent_reports_are_each_counted_and_hide_the_post(app, db):
    thread = f.thread(f.member())
    post_ids = [f.reply(f.member(), thread).id for _ in range(4)]
    # Exactly as many reporters as hide a post: a hidden post takes no more reports.
    reporters = [f.member().id for _ in range(moderation.AUTO_HIDE_REPORTS)]

    def reporter(post_id: int, user_id: int) -> Callable[[], None]:
        def job() -> None:
            moderation.report_post(db.session.get(User, user_id), queries.get_post(post_id),
                                   reason="unsafe")
        return job

    run_at_once(app, db, [reporter(p, u) for p in post_ids for u in reporters])

    for post_id in post_ids:
        post = db.session.get(Post, post_id)
        assert post.open_report_count == moderation.AUTO_HIDE_REPORTS
        assert post.hidden_at is not None
    assert_counters_fresh(db)


def test_concurrent_edits_each_get_their_own_revision_number(app, db):
    author = f.member()
    thread = f.thread(author)
    post_id = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id))
    author_id = author.id

    def editor(n: int) -> Callable[[], None]:
        def job() -> None:
            edit_post(db.session.get(User, author_id), queries.get_post(post_id),
                      body=f"Edited by tab {n}")
        return job

    run_at_once(app, db, [editor(n) for n in range(WORKERS)])

    post = db.session.get(Post, post_id)
    assert post.revision_count == WORKERS + 1
    numbers = sorted(r.number for r in queries.revisions(post, author))
    assert numbers == list(range(1, WORKERS + 2))


def test_concurrent_approvals_publish_a_post_once(app, db):
    thread = f.thread(f.member())
    app.config["PREMODERATE_FIRST_POSTS"] = 2
    try:
        newcomers = [f.member() for _ in range(4)]
        held = [f.reply(newcomer, thread).id for newcomer in newcomers]
    finally:
        app.config["PREMODERATE_FIRST_POSTS"] = 0
    moderators = [f.moderator().id for _ in range(3)]

    def approver(post_id: int, moderator_id: int) -> Callable[[], None]:
        def job() -> None:
            with contextlib.suppress(InvalidInput):  # the others find it approved
                moderation.approve_post(db.session.get(User, moderator_id),
                                        queries.get_post(post_id))
        return job

    run_at_once(app, db, [approver(p, m) for p in held for m in moderators])

    assert db.session.get(Thread, thread.id).reply_count == len(held)
    for newcomer in newcomers:
        assert db.session.get(User, newcomer.id).post_count == 1
    assert_counters_fresh(db)


# --- flask content recount ------------------------------------------------------------------

def test_recount_repairs_counters_already_wrong_and_says_what_it_fixed(db, runner):
    author, other = f.member(), f.member()
    thread = f.thread(author)
    reply = f.reply(other, thread)
    f.reply(other, thread)
    moderation.report_post(author, reply, reason="spam")
    board_id, thread_id, reply_id = thread.board_id, thread.id, reply.id
    db.session.execute(update(Thread).values(reply_count=7))
    db.session.execute(update(Board).where(Board.id == board_id)
                       .values(post_count=1, thread_count=0))
    db.session.execute(update(User).where(User.id == other.id)
                       .values(post_count=0, approved_post_count=0))
    db.session.execute(update(Post).where(Post.id == reply_id).values(open_report_count=0))
    db.session.commit()

    result = runner.invoke(args=["content", "recount"])

    assert result.exit_code == 0, result.output
    assert "Fixed 6 counters on 4 rows" in result.output
    assert "threads.reply_count: 1 row\n" in result.output
    assert "boards.post_count: 1 row\n" in result.output
    assert "users.approved_post_count: 1 row\n" in result.output
    assert "posts.open_report_count: 1 row\n" in result.output
    db.session.expire_all()
    assert db.session.get(Thread, thread_id).reply_count == 2
    board = db.session.get(Board, board_id)
    assert (board.thread_count, board.post_count) == (1, 3)
    assert (db.session.get(User, other.id).post_count,
            db.session.get(User, other.id).approved_post_count) == (2, 2)
    assert db.session.get(Post, reply_id).open_report_count == 1
    assert_counters_fresh(db)

    again = runner.invoke(args=["content", "recount"])
    assert "Every counter was right" in again.output


def test_recount_keeps_approvals_of_posts_since_deleted(db, runner):
    """approved_post_count is trust earned: a deleted post does not make a member new again."""
    member = f.member()
    db.session.execute(update(User).where(User.id == member.id).values(approved_post_count=5))
    db.session.commit()
    runner.invoke(args=["content", "recount"])
    db.session.expire_all()
    assert db.session.get(User, member.id).approved_post_count == 5


def test_report_count_is_distinct_open_reporters(db):
    author, reporter = f.member(), f.member()
    post = f.reply(author, f.thread(author))
    moderation.report_post(reporter, post, reason="spam")
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1
    assert_counters_fresh(db)


# --- moderators' actions keep the same counts a recount makes -------------------------------

def test_every_moderator_action_leaves_counters_as_a_fresh_count(app, db):
    """Moving, merging, splitting and deleting count exactly the posts a fresh count does,
    including a held (pending) discussion's published replies and a post held after an edit."""
    from forum.moderation.guard import HOLD_EDIT

    author, other, mod, admin = f.member(), f.member(), f.moderator(), f.admin()
    held_thread = f.thread(author, board=f.board(), hold="possible patient data")
    f.reply(mod, held_thread, body="A moderator answers while it waits")
    first = f.thread(author, board=f.board())
    replies = [f.reply(other, first, body=f"Reply {n}") for n in range(4)]
    edit_post(other, replies[0], body="Changed, with care", hold=HOLD_EDIT)
    second = f.thread(other, board=f.board("quality-improvement"))
    f.reply(author, second)
    assert_counters_fresh(db)

    moderation.move_thread(mod, held_thread, board=f.board("quality-improvement"), alliance=None)
    assert_counters_fresh(db)
    moderation.split_thread(mod, first, replies[:2], title="Split off")
    assert_counters_fresh(db)
    moderation.merge_thread(mod, held_thread, second)
    assert_counters_fresh(db)
    moderation.delete_post_permanently(admin, db.session.get(Post, replies[3].id),
                                       reason="Named a patient")
    assert_counters_fresh(db)
    moderation.delete_thread_permanently(admin, db.session.get(Thread, second.id),
                                         reason="Named a patient")
    assert_counters_fresh(db)
