"""A new member's posts held for checking (FORUM_PREMODERATE_FIRST_POSTS): what waits, why,
for how many more posts, and counts that agree with what each person sees."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from forum.discussions.models import Post
from forum.extensions import db as _db
from forum.members.models import User
from forum.moderation import services
from forum.moderation.models import AuditEntry
from forum.notify.models import Notification
from tests import factories as f


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:p|h2|dd|span|div|section)>', html, re.S)
    assert match, f"no #{element_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


@pytest.fixture
def premoderate(app):
    app.config["PREMODERATE_FIRST_POSTS"] = 2
    yield
    app.config["PREMODERATE_FIRST_POSTS"] = 0


@pytest.fixture
def people(db):
    return {"author": f.member(display_name="Author", approved_post_count=5),
            "newcomer": f.member(display_name="New Nurse"),
            "other": f.member(display_name="Other member", approved_post_count=5),
            "moderator": f.moderator(display_name="Mo Derator")}


@pytest.fixture
def thread(people):
    return f.thread(people["author"], title="Fatigue after chemotherapy")


# --- what waits, and for how long ---------------------------------------------------------

def test_posts_written_while_the_first_wait_are_published_once_the_first_are_approved(
        db, people, thread, premoderate):
    newcomer, moderator = people["newcomer"], people["moderator"]
    first, second, third = (f.reply(newcomer, thread, body=f"Post {n} from a new member")
                            for n in range(3))
    assert first.pending and second.pending and third.pending
    services.approve_post(moderator, first)
    assert _db.session.get(Post, third.id).pending  # one more of the first two still to check
    services.approve_post(moderator, second)
    _db.session.expire_all()
    assert not _db.session.get(Post, third.id).pending
    assert _db.session.get(User, newcomer.id).post_count == 3
    assert thread.reply_count == 3
    released = _db.session.scalars(select(AuditEntry).where(AuditEntry.action == "release_post"))
    assert [e.target_id for e in released] == [third.id]
    told = [n.text for n in _db.session.scalars(select(Notification)
                                                .where(Notification.user_id == newcomer.id))]
    assert any("1 other post" in t for t in told), told


def test_a_post_held_for_patient_data_is_not_released_with_the_first_posts(
        db, people, thread, premoderate):
    from forum.discussions.services import reply_to_thread

    newcomer, moderator = people["newcomer"], people["moderator"]
    first, second = f.reply(newcomer, thread), f.reply(newcomer, thread)
    checked = reply_to_thread(newcomer, thread, body="NHS no 943 476 5919",
                              hold="possible patient data")
    services.approve_post(moderator, first)
    services.approve_post(moderator, second)
    assert _db.session.get(Post, checked.id).pending


def test_the_author_is_told_why_their_post_waits_and_for_how_many_more(
        client, db, people, thread, premoderate):
    newcomer = people["newcomer"]
    post = f.reply(newcomer, thread, body="My first post here")
    f.sign_in(client, newcomer)
    note = text_of(page(client.get(f"/threads/{thread.id}")), f"post-{post.id}-held")
    assert "first 2 posts" in note
    assert "2 more of your posts" in note
    services.approve_post(people["moderator"], post)
    later = f.reply(newcomer, thread, body="My second post here")
    note = text_of(page(client.get(f"/threads/{thread.id}")), f"post-{later.id}-held")
    assert "1 more of your posts" in note


def test_patient_data_holds_say_so_not_first_posts(client, db, people, thread):
    from forum.discussions.services import reply_to_thread

    post = reply_to_thread(people["other"], thread, body="Checked", hold="possible patient data")
    f.sign_in(client, people["other"])
    note = text_of(page(client.get(f"/threads/{thread.id}")), f"post-{post.id}-held")
    assert "patient-identifiable" in note and "first" not in note


def test_posting_says_how_many_more_posts_are_checked(client, db, people, thread, premoderate):
    f.sign_in(client, people["newcomer"])
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "Hello all"},
                           follow_redirects=True)
    html = page(response)
    assert "first 2 posts" in html and "2 more of your posts" in html
    # Said once, on the post, not again in the message at the top of the page.
    assert html.count("2 more of your posts") == 1


# --- counts agree with what each person sees --------------------------------------------------

def test_thread_header_and_replies_heading_agree_for_the_author_and_for_others(
        client, db, people, thread, premoderate):
    f.reply(people["newcomer"], thread, body="Waiting reply")
    f.sign_in(client, people["newcomer"])
    html = page(client.get(f"/threads/{thread.id}"))
    assert text_of(html, "thread-reply-count") == "1 reply (yours, waiting for a moderator)"
    assert text_of(html, "replies-title") == "1 reply (yours, waiting for a moderator)"
    f.sign_in(client, people["other"])
    html = page(client.get(f"/threads/{thread.id}"))
    assert text_of(html, "thread-reply-count") == "0 replies"
    assert text_of(html, "replies-title") == "0 replies"


def test_thread_lists_count_the_viewers_waiting_replies_as_the_thread_page_does(
        client, db, people, thread, premoderate):
    f.reply(people["newcomer"], thread, body="Waiting reply")
    f.sign_in(client, people["newcomer"])
    for path in ("/discussions", f"/boards/{thread.board.slug}"):
        html = page(client.get(path))
        assert (text_of(html, f"thread-{thread.id}-replies")
                == "1 reply (yours, waiting for a moderator)")
    f.sign_in(client, people["other"])
    html = page(client.get("/discussions"))
    assert text_of(html, f"thread-{thread.id}-replies") == "0 replies"


def test_moderators_thread_lists_count_waiting_replies_as_their_thread_page_does(
        client, db, people, thread, premoderate):
    """A moderator sees every waiting reply on the thread page; lists must say the same."""
    f.reply(people["newcomer"], thread, body="Waiting reply")
    f.reply(people["other"], thread, body="Published reply")
    f.sign_in(client, people["moderator"])
    on_page = text_of(page(client.get(f"/threads/{thread.id}")), "thread-reply-count")
    assert on_page == "2 replies (1 waiting for a moderator)"
    for path in ("/discussions", f"/boards/{thread.board.slug}"):
        assert text_of(page(client.get(path)), f"thread-{thread.id}-replies") == on_page


def test_a_reply_whose_edit_is_held_is_counted_alike_in_lists_and_on_the_thread_page(
        client, db, people, thread):
    """An edit held for a patient-data check takes the reply out of others' view until a
    moderator has looked: the list and the thread page must then give the same count."""
    from forum.discussions.services import edit_post
    from forum.moderation.guard import HOLD_EDIT

    reply = f.reply(people["author"], thread, body="First version")
    edit_post(people["author"], reply, body="Second version", hold=HOLD_EDIT)
    for viewer, expected in (("other", "0 replies"), ("author", "1 reply (yours, waiting for a moderator)"),
                             ("moderator", "1 reply (1 waiting for a moderator)")):
        f.sign_in(client, people[viewer])
        on_page = text_of(page(client.get(f"/threads/{thread.id}")), "thread-reply-count")
        listed = text_of(page(client.get("/discussions")), f"thread-{thread.id}-replies")
        assert listed == on_page == expected, viewer


def test_profile_counts_held_posts_for_their_author_only(client, db, people, thread,
                                                         premoderate):
    newcomer = people["newcomer"]
    for n in range(3):
        f.reply(newcomer, thread, body=f"Held post {n}")
    f.sign_in(client, newcomer)
    html = page(client.get(f"/members/{newcomer.id}"))
    assert text_of(html, "profile-post-count") == "0 published, 3 waiting for a moderator"
    assert html.count("Waiting for a moderator") >= 3  # each listed post says so
    f.sign_in(client, people["other"])
    html = page(client.get(f"/members/{newcomer.id}"))
    assert text_of(html, "profile-post-count") == "0"
    assert "Held post" not in html
    f.sign_in(client, people["moderator"])
    html = page(client.get(f"/moderation/members/{newcomer.id}"))
    assert text_of(html, "member-post-count") == "0 published, 3 waiting for a moderator"


# --- the author can find and answer their own held posts ------------------------------------

def test_author_finds_their_own_held_discussion_in_search(client, db, people, premoderate,
                                                          sync):
    newcomer = people["newcomer"]
    held = f.thread(newcomer, title="Lymphoedema garments funding",
                    body="Who pays for compression garments?")
    sync()
    f.sign_in(client, newcomer)
    html = page(client.get("/search?q=compression+garments"))
    section = html[html.index('id="held-results"'):]
    assert f'href="/threads/{held.id}/posts/' in section
    assert "Waiting for a moderator" in section
    f.sign_in(client, people["other"])
    html = page(client.get("/search?q=compression+garments"))
    assert 'id="held-results"' not in html and "Lymphoedema garments" not in html


def test_author_can_reply_to_their_own_held_post(client, db, people, thread, premoderate):
    newcomer = people["newcomer"]
    held = f.reply(newcomer, thread, body="First thoughts")
    f.sign_in(client, newcomer)
    html = page(client.get(f"/threads/{thread.id}"))
    assert f'id="reply-to-{held.id}"' in html
    assert client.get(f"/posts/{held.id}/reply").status_code == 200
    response = client.post(f"/posts/{held.id}/reply", data={"body": "And a second thought"})
    assert response.status_code == 303
    answer = _db.session.scalars(select(Post).where(Post.reply_to_id == held.id)).one()
    assert answer.pending and answer.author_id == newcomer.id


def test_others_cannot_reply_to_a_held_post(client, db, people, thread, premoderate):
    held = f.reply(people["newcomer"], thread, body="First thoughts")
    f.sign_in(client, people["moderator"])
    html = page(client.get(f"/threads/{thread.id}"))
    assert f'id="reply-to-{held.id}"' not in html
