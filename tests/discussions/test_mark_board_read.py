"""'Mark all as read' on a board: POST, for signed-in members, one statement."""

from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import func, select

from forum.discussions.models import Post, ThreadRead
from forum.extensions import db as _db
from forum.members.models import Status
from forum.moderation import services as moderation
from tests import factories as f
from tests.discussions.test_views import page

BOARD = "clinical-leadership"


@pytest.fixture
def member(db, client):
    user = f.member(display_name="Asha Nurse")
    f.sign_in(client, user)
    return user


def row(html: str, thread_id: int) -> str:
    return re.search(rf'id="thread-{thread_id}">(.*?)</li>\s*(?=<li class="thread-list__item|</ol>)',
                     html, re.S).group(1)


def marks(html: str, thread_id: int) -> tuple[bool, int]:
    """(shown as new, unread count) of one thread in a list."""
    text = row(html, thread_id)
    unread = re.search(r"(\d+) unread<", text)
    return "tag--new" in text, int(unread.group(1)) if unread else 0


def test_marking_a_board_read_clears_new_and_unread_there_only(client, member):
    other = f.member()
    opened = f.thread(other)
    client.get(f"/threads/{opened.id}")
    f.reply(other, opened)
    f.reply(other, opened)
    unopened = f.thread(other)
    elsewhere = f.thread(other, board=f.board("shadowing"))
    before = page(client.get(f"/boards/{BOARD}"))
    assert marks(before, opened.id) == (False, 2) and marks(before, unopened.id) == (True, 0)

    response = client.post(f"/boards/{BOARD}/read")
    assert response.status_code == 303 and response.headers["Location"] == f"/boards/{BOARD}"
    after = page(client.get(f"/boards/{BOARD}"))
    assert marks(after, opened.id) == (False, 0) and marks(after, unopened.id) == (False, 0)
    assert marks(page(client.get("/discussions")), elsewhere.id) == (True, 0)


def test_the_flash_says_what_was_marked(client, member):
    f.thread(f.member())
    html = page(client.post(f"/boards/{BOARD}/read", follow_redirects=True))
    assert "Every discussion in Clinical leadership is marked as read." in html


def test_replies_after_marking_are_unread_again(client, member):
    other = f.member()
    thread = f.thread(other)
    client.post(f"/boards/{BOARD}/read")
    f.reply(other, thread)
    assert marks(page(client.get(f"/boards/{BOARD}")), thread.id) == (False, 1)
    newest = _db.session.scalar(select(func.max(Post.id)).where(Post.thread_id == thread.id))
    link = client.get(f"/threads/{thread.id}/unread").headers["Location"]
    assert link.endswith(f"#post-{newest}")  # the first unread is the new reply


def test_a_reply_waiting_for_a_moderator_is_unread_once_published(client, app, member):
    other = f.member()
    thread = f.thread(other)
    app.config["PREMODERATE_FIRST_POSTS"] = 99
    try:
        waiting = f.reply(f.member(), thread, body="Held for a moderator")
    finally:
        app.config["PREMODERATE_FIRST_POSTS"] = 0
    client.post(f"/boards/{BOARD}/read")
    moderation.approve_post(f.moderator(), waiting)
    assert marks(page(client.get(f"/boards/{BOARD}")), thread.id) == (False, 1)


def test_marking_never_moves_a_mark_back(client, member):
    thread = f.thread(f.member())
    _db.session.add(ThreadRead(user_id=member.id, thread_id=thread.id, last_read_post_id=10**6))
    _db.session.commit()
    client.post(f"/boards/{BOARD}/read")
    _db.session.expire_all()
    assert _db.session.scalar(select(ThreadRead.last_read_post_id)) == 10**6


def test_threads_the_member_cannot_see_get_no_mark(client, member):
    hidden = f.thread(f.member())
    moderation.hide_thread(f.moderator(), hidden, reason="Off topic")
    shown = f.thread(f.member())
    client.post(f"/boards/{BOARD}/read")
    assert _db.session.scalars(select(ThreadRead.thread_id)).all() == [shown.id]


def test_the_button_is_for_signed_in_members_on_a_board_with_discussions(client, db):
    f.thread(f.member(), board=f.board("introductions"))
    assert 'id="mark-board-read"' not in page(client.get("/boards/introductions"))  # a visitor
    f.sign_in(client, f.member())
    html = page(client.get("/boards/introductions"))
    assert 'action="/boards/introductions/read" method="post"' in html
    assert 'id="mark-board-read"' in html
    assert 'id="mark-board-read"' not in page(client.get("/boards/shadowing"))  # nothing to mark


def test_visitors_are_sent_to_sign_in(client, db):
    f.thread(f.member())
    response = client.post(f"/boards/{BOARD}/read")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _db.session.scalar(select(func.count()).select_from(ThreadRead)) == 0


def test_only_a_post_marks_a_board_read(client, member):
    assert client.get(f"/boards/{BOARD}/read").status_code == 405


def test_unknown_board_is_not_found(client, member):
    assert client.post("/boards/no-such-board/read").status_code == 404


def test_a_suspended_member_cannot_mark_a_members_only_board(client, db):
    f.thread(f.member())
    user = f.member(status=Status.SUSPENDED)
    f.sign_in(client, user)
    assert client.post(f"/boards/{BOARD}/read").status_code == 403
    assert _db.session.scalar(select(func.count()).select_from(ThreadRead)) == 0


def test_marking_costs_the_same_for_1_and_50_threads(client, member, count_queries):
    member_id = member.id

    def add(n: int) -> None:
        author = f.member()
        for _ in range(n):
            f.reply(author, f.thread(author))

    def counted() -> int:
        _db.session.expunge_all()
        g.pop("_login_user", None)
        with count_queries() as q:
            assert client.post(f"/boards/{BOARD}/read").status_code == 303
        return q.count

    add(1)
    one = counted()
    add(49)
    assert counted() == one
    assert _db.session.scalar(select(func.count()).select_from(ThreadRead)
                              .where(ThreadRead.user_id == member_id)) == 50
