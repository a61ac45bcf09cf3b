"""Reading state in Chromium, with JavaScript on and off: a member sees how many replies
came since their last visit, opens the first of them, and marks the board read."""

from __future__ import annotations

import re

from .helpers import make_member, sign_in, submit

BOARD = "enhanced-supportive-care"


def _arrange(live_server) -> tuple[dict, int, int]:
    """A reader, a thread they will have opened before two replies, and one never opened."""
    import factories

    from forum.discussions.models import Thread
    from forum.members.models import User

    reader = make_member(live_server, display_name="Rita Reader")
    author = make_member(live_server, display_name="Ade Author")
    with live_server.db() as db:
        writer = db.session.get(User, author["id"])
        opened = factories.thread(writer, board=factories.board(BOARD),
                                  title="Mouth care during chemotherapy")
        unopened = factories.thread(writer, board=factories.board(BOARD),
                                    title="Night sweats and hot flushes")
        return reader, db.session.get(Thread, opened.id).id, unopened.id


def _reply_twice(live_server, thread_id: int) -> int:
    import factories

    from forum.discussions.models import Thread

    with live_server.db() as db:
        thread = db.session.get(Thread, thread_id)
        first = factories.reply(thread.author, thread, body="We use a soft toothbrush and saline.")
        factories.reply(thread.author, thread, body="And we check for thrush every visit.")
        return first.id


def test_a_member_opens_the_first_unread_reply_and_marks_the_board_read(page, live_server):
    reader, opened_id, unopened_id = _arrange(live_server)
    sign_in(page, live_server, reader["email"])
    page.goto(live_server.url_for("discussions.show_thread", thread_id=opened_id))  # a visit
    first_new = _reply_twice(live_server, opened_id)

    page.goto(live_server.url_for("discussions.show_board", slug=BOARD))
    opened, unopened = page.locator(f"#thread-{opened_id}"), page.locator(f"#thread-{unopened_id}")
    assert unopened.locator(".tag--new").inner_text() == "New"
    unread = opened.get_by_role("link", name="2 unread in Mouth care during chemotherapy")
    submit(page, unread)
    assert page.url.endswith(f"#post-{first_new}")
    post = page.locator(f"#post-{first_new}")
    assert "soft toothbrush" in post.inner_text() and post.locator(".tag--new").count() == 1

    page.goto(live_server.url_for("discussions.show_board", slug=BOARD))
    submit(page, page.get_by_role("button", name="Mark all as read"))
    assert re.search(rf"/boards/{BOARD}$", page.url)
    assert page.get_by_role("status").inner_text() == (
        "Every discussion in Enhanced supportive care is marked as read.")
    for row in (opened, unopened):
        assert row.locator(".tag--new").count() == 0
        assert row.locator(".unread-count").count() == 0
