"""Following a QI write-up: the team follows it, others press Follow; a new published
version, a "We tried this" and a published replica notify followers who can read it."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.members.models import Status
from forum.notify import follows
from forum.notify.models import Notification
from forum.qi import moderation, policy, replication, services, team
from tests import factories as f


def _notes(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind.like("qi_%")).order_by(Notification.id)))


def _following(user, writeup) -> bool:
    return follows.is_following_target(user, policy.FOLLOW_KIND, writeup.id)


def _follow(user, writeup) -> None:
    follows.follow_target(user, policy.FOLLOW_KIND, writeup.id)


def test_the_team_follows_its_writeup(author, writeup):
    colleague = f.member(display_name="Chen Li", email="chen@nhs.net")
    team.add_team_member(author, writeup, name="chen@nhs.net")
    assert _following(author, writeup) and _following(colleague, writeup)


def test_a_new_published_version_notifies_followers_in_the_worker(published, author, outsider,
                                                                   deliver):
    _follow(outsider, published)
    services.edit_writeup(author, published, {"summary": "Now with a year of data."})
    assert _notes(outsider) == []  # the request only wrote an outbox row
    deliver()
    [note] = _notes(outsider)
    assert note.text == "Amara Okafor updated the QI write-up “HNAs at cancer care reviews”"
    # Emailed with the member's next batch ("qi" preference: straight away by default).
    assert note.link == f"/qi/{published.id}" and note.email_state == "queued"
    assert _notes(author) == []  # not told of their own change
    services.edit_writeup(author, published, {"summary": "And two years."})
    deliver()
    [note] = _notes(outsider)  # joined the unread one
    assert note.count == 2


def test_drafts_are_not_news(author, writeup, outsider, deliver):
    services.edit_writeup(author, writeup, {"summary": "Still drafting."})
    services.publish_writeup(author, writeup)  # version 1
    deliver()
    assert db.session.scalar(select(Notification.id).where(
        Notification.kind.like("qi_%"))) is None


def test_a_we_tried_this_notifies_the_team(published, author, outsider, deliver):
    replication.mark_tried(outsider, published, note="Worked for us in Lambeth.")
    deliver()
    [note] = _notes(author)
    assert note.text == "Olu Outsider said “We tried this” on “HNAs at cancer care reviews”"
    assert _notes(outsider) == []


def test_a_replica_notifies_when_published_not_while_a_draft(published, author, outsider,
                                                             deliver):
    replica = replication.replicate_writeup(outsider, published)
    deliver()
    assert _notes(author) == []
    services.edit_writeup(outsider, replica, {"summary": "Our version."})
    services.publish_writeup(outsider, replica)
    services.unpublish_writeup(outsider, replica)
    services.publish_writeup(outsider, replica)  # once, however often it is republished
    deliver()
    [note] = _notes(author)
    assert note.kind == "qi_replicated" and note.link == f"/qi/{replica.id}"
    assert _following(outsider, replica)


def test_nobody_who_cannot_read_it_now_is_told(published, author, outsider, deliver):
    suspended, staying = f.member(), f.member()
    for member in (suspended, staying, outsider):
        _follow(member, published)
    services.edit_writeup(author, published, {"summary": "A change."})
    suspended.status = Status.SUSPENDED
    db.session.commit()
    deliver()
    assert _notes(suspended) == [] and len(_notes(staying)) == 1
    services.edit_writeup(author, published, {"summary": "Another change."})
    moderation.hide_writeup(f.moderator(), published, reason="It names a patient")
    deliver()
    assert _notes(staying)[0].count == 1  # hidden before the worker ran: nothing more


def test_the_follow_button_toggles_and_visitors_have_none(client, published, outsider):
    services.make_public(f.admin(), published, True)
    visitor_page = client.get(f"/qi/{published.id}")
    assert visitor_page.status_code == 200
    assert 'id="follow-thread"' not in visitor_page.get_data(as_text=True)
    f.sign_in(client, outsider)
    html = client.get(f"/qi/{published.id}").get_data(as_text=True)
    assert ">Follow</button>" in html
    client.post(f"/qi/{published.id}/follow", data={"follow": "1"})
    assert _following(outsider, published)
    html = client.get(f"/qi/{published.id}").get_data(as_text=True)
    assert ">Stop following</button>" in html
    client.post(f"/qi/{published.id}/follow", data={"follow": "0"})
    assert not _following(outsider, published)


def test_a_draft_cannot_be_followed_by_someone_outside_the_team(client, writeup, outsider):
    f.sign_in(client, outsider)
    assert client.post(f"/qi/{writeup.id}/follow", data={"follow": "1"}).status_code == 404


def test_the_following_page_names_followed_writeups_it_may_still_show(client, published, outsider):
    _follow(outsider, published)
    f.sign_in(client, outsider)
    html = client.get("/following").get_data(as_text=True)
    assert f'<a href="/qi/{published.id}">QI write-up: HNAs at cancer care reviews</a>' in html
    services.unpublish_writeup(published.author, published)
    html = client.get("/following").get_data(as_text=True)
    assert "A QI write-up no longer available" in html and "HNAs at cancer" not in html
