"""@mentions: names with spaces, exactly one match, linked in the post, told only to readers."""

from __future__ import annotations

from sqlalchemy import select

from forum.discussions.models import Post
from forum.extensions import db as _db
from forum.members.models import Status, User
from forum.notify.mentions import find_mentions
from forum.notify.models import Notification
from tests import factories as f


def names(source: str) -> list[str]:
    return [m.text for m in find_mentions(source)]


def test_a_name_with_spaces_is_matched_longest_first(db):
    f.member(display_name="Amara Okafor")
    f.member(display_name="Amara")
    assert names("Thanks @Amara Okafor, that helps") == ["Amara Okafor"]
    assert names("Thanks @Amara, that helps") == ["Amara"]


def test_a_name_two_members_share_mentions_no_one(db):
    f.member(display_name="Sam Patel")
    f.member(display_name="Sam Patel", email="other.sam@nhs.net")
    assert names("@Sam Patel what do you think?") == []


def test_letter_case_and_trailing_punctuation_do_not_matter(db):
    f.member(display_name="Rosa Diaz")
    assert names("Over to you, @rosa diaz.") == ["rosa diaz"]


def test_mentions_in_code_and_email_addresses_do_not_count(db):
    f.member(display_name="Rosa")
    assert names("Write `@Rosa` or mail rosa@nhs.net\n```\n@Rosa\n```") == []


def test_the_post_links_the_mention_to_the_profile(db):
    rosa = f.member(display_name="Rosa Diaz")
    thread = f.thread(f.member(), body="Hello @Rosa Diaz and `@Rosa Diaz`")
    html = _db.session.scalar(select(Post.body_html).where(Post.thread_id == thread.id))
    assert f'<a href="/members/{rosa.id}">@Rosa Diaz</a>' in html
    assert "<code>@Rosa Diaz</code>" in html


def test_a_mention_notifies_the_member_in_the_worker(db, deliver):
    rosa = f.member(display_name="Rosa Diaz")
    f.thread(f.member(display_name="Tom Hale"), title="Fatigue clinics",
             body="@Rosa Diaz you ran one?")
    deliver()
    [note] = _db.session.scalars(select(Notification).where(Notification.user_id == rosa.id))
    assert note.kind == "mention"
    assert note.text == "Tom Hale mentioned you in “Fatigue clinics”"


def test_a_mention_in_a_post_waiting_for_a_moderator_tells_no_one_until_approved(db, deliver):
    from forum.moderation import services as moderation

    rosa = f.member(display_name="Rosa Diaz")
    newcomer = f.member()
    thread = f.thread(f.member())
    from forum.discussions.services import reply_to_thread

    post = reply_to_thread(newcomer, thread, body="@Rosa Diaz hello", hold="Check this")
    deliver()
    assert _db.session.scalar(select(Notification).where(Notification.user_id == rosa.id)) is None
    moderation.approve_post(f.moderator(), post)
    deliver()
    assert _db.session.scalar(select(Notification.kind).where(
        Notification.user_id == rosa.id)) == "mention"


def test_an_edit_that_adds_a_mention_tells_only_the_new_name(db, deliver):
    from forum.discussions.services import edit_post

    rosa, tom = f.member(display_name="Rosa Diaz"), f.member(display_name="Tom Hale")
    author = f.member()
    post = f.reply(author, f.thread(author), body="@Rosa Diaz see this")
    deliver()
    edit_post(author, post, body="@Rosa Diaz see this, and @Tom Hale too")
    deliver()
    for member in (rosa, tom):
        assert len(list(_db.session.scalars(select(Notification).where(
            Notification.user_id == member.id, Notification.kind == "mention")))) == 1


def test_suspended_members_are_not_suggested_and_the_lookup_needs_a_member(client, db):
    f.member(display_name="Rosa Diaz")
    f.member(display_name="Rosanna Suspended", status=Status.SUSPENDED)
    assert client.get("/members/mention-suggestions?q=ros").status_code == 302
    me = f.member(display_name="Rosalind Me")
    f.sign_in(client, me)
    found = client.get("/members/mention-suggestions?q=ros").get_json()
    assert [m["name"] for m in found] == ["Rosa Diaz"]  # not suspended, not me


def test_the_lookup_matches_later_words_and_escapes_wildcards(client, db):
    f.member(display_name="Amara Okafor")
    f.member(display_name="100% Nurse")
    f.sign_in(client, f.member())
    assert [m["name"] for m in client.get(
        "/members/mention-suggestions?q=oka").get_json()] == ["Amara Okafor"]
    assert [m["name"] for m in client.get(
        "/members/mention-suggestions?q=%25").get_json()] == []  # "%" is not a wildcard here
    assert [m["name"] for m in client.get(
        "/members/mention-suggestions?q=100%25").get_json()] == ["100% Nurse"]


def test_the_lookup_is_rate_limited(app, database_url, tmp_path, db):
    from tests.conftest import rate_limited_app

    member = f.member()
    with rate_limited_app(app, database_url, tmp_path,
                          MENTION_LOOKUP_RATE_LIMIT="3 per minute") as limited:
        client = limited.test_client()
        with limited.app_context():
            f.sign_in(client, _db.session.get(User, member.id))
            codes = [client.get("/members/mention-suggestions?q=a").status_code
                     for _ in range(4)]
    assert codes == [200, 200, 200, 429]
