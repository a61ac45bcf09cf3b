"""A member sees what moderators did about their posts and reports, and can clear it."""

import re

from forum.moderation import services as moderation
from tests import factories as f


def _hidden_post(db):
    author = f.member()
    post = f.reply(author, f.thread(author), body="Something a moderator will hide")
    moderation.hide_post(f.moderator(), post, reason="Contains a patient's name")
    return author, post


def test_the_author_sees_why_their_post_was_hidden_and_the_header_counts_it(client, db):
    author, post = _hidden_post(db)
    f.sign_in(client, author)
    html = client.get("/notifications").get_data(as_text=True)
    assert "Notifications (1 new)" in html
    [link] = re.findall(r'href="(/notifications/\d+)"', html)
    assert f"/threads/{post.thread_id}" in client.get(link).headers["Location"]


def test_mark_all_as_read_clears_the_count(client, db):
    author, _ = _hidden_post(db)
    f.sign_in(client, author)
    response = client.post("/notifications/read", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Marked 1 notification as read." in html
    assert "Notifications (1 new)" not in html and ">Notifications<" in html


def test_notifications_are_only_for_the_signed_in_member(client, db):
    _hidden_post(db)
    assert client.get("/notifications").status_code == 302
    assert client.post("/notifications/read").status_code == 302
    f.sign_in(client, f.member())
    assert "You have no notifications" in client.get("/notifications").get_data(as_text=True)


def test_marking_read_is_post_only(client, db):
    f.sign_in(client, f.member())
    assert client.get("/notifications/read").status_code == 405


def test_an_approved_member_is_welcomed_in_their_notifications(client, db):
    from forum.members.services import approve_member

    applicant = f.applicant()
    approve_member(f.moderator(), applicant)
    f.sign_in(client, applicant)
    html = client.get("/notifications").get_data(as_text=True)
    assert "A moderator approved your account." in html
