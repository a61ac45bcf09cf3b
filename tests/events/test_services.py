"""Creating, publishing, changing and cancelling events: the rules, and who is told."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.db import utcnow
from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.events import services, signups
from forum.events.models import EventStatus, Kind
from forum.markup import MAX_SOURCE
from forum.notify.models import OutboxMessage
from tests import factories
from tests.events.conftest import event_input, make_event


def _emails(db):
    return [m.payload for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == "email").order_by(OutboxMessage.id))]


def test_a_new_event_is_a_draft_with_its_description_rendered(organiser):
    event = services.create_event(organiser, event_input())
    assert event.status == EventStatus.DRAFT
    assert event.description_html.strip() == "<p>Bring <strong>questions</strong>.</p>"


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"ends_at": "start"}, "end_date", "The end must be after the start"),
    ({"ends_at": "before"}, "end_date", "The end must be after the start"),
    ({"capacity": 0}, "capacity", "Enter the number of places, 1 or more"),
    ({"capacity": -5}, "capacity", "Enter the number of places, 1 or more"),
    ({"capacity": 1_000_000}, "capacity", "Enter 10,000 places or fewer"),
    ({"description": "x" * (MAX_SOURCE + 1)}, "description",
     f"The description must be {MAX_SOURCE:,} characters or fewer"),
    ({"title": "   "}, "title", "Enter a title"),
    ({"kind": Kind.FACE_TO_FACE, "venue": ""}, "venue", "Enter the address of the venue"),
    ({"joining_link": "javascript:alert(1)"}, "joining_link",
     "Enter the joining link as a web address starting https://"),
    ({"starts_at": "past"}, "start_date", "The start must be in the future"),
])
def test_bad_events_are_refused_beside_the_field(organiser, change, field, message):
    data = event_input()
    for name, value in change.items():
        if value == "start":
            value = data.starts_at
        elif value == "before":
            value = data.starts_at - timedelta(minutes=1)
        elif value == "past":
            value, data.ends_at = utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1)
        setattr(data, name, value)
    with pytest.raises(InvalidInput) as error:
        services.create_event(organiser, data)
    assert (error.value.field, error.value.message) == (field, message)


def test_a_deadline_after_the_start_is_refused(organiser):
    data = event_input()
    data.signup_deadline = data.starts_at + timedelta(minutes=5)
    with pytest.raises(InvalidInput, match="deadline must be before"):
        services.create_event(organiser, data)


def test_members_cannot_create_events_until_an_admin_makes_them_organisers(organiser):
    member = factories.member()
    with pytest.raises(PermissionDenied):
        services.create_event(member, event_input())
    services.grant_organiser(organiser, member)
    assert services.create_event(member, event_input()).created_by_id == member.id


def test_an_event_organiser_cannot_edit_someone_elses_event_or_grant_the_role(organiser):
    member, other = factories.member(), factories.member()
    services.grant_organiser(organiser, member)
    event = make_event(organiser)
    with pytest.raises(PermissionDenied):
        services.update_event(member, event, event_input())
    with pytest.raises(PermissionDenied):
        services.grant_organiser(member, other)
    draft = make_event(organiser, publish=False)
    with pytest.raises(NotFound):  # a draft's existence does not leak
        services.publish_event(member, draft)


def test_cancelling_tells_everyone_with_a_place_or_waiting_once(db, organiser):
    event = make_event(organiser, capacity=1)
    have, waiting, gone = factories.member(), factories.member(), factories.member()
    signups.sign_up(have, event)
    signups.sign_up(waiting, event)
    signups.sign_up(gone, event)
    signups.cancel_signup(gone, db.session.scalars(select(signups.Signup).where(
        signups.Signup.user_id == gone.id)).one())
    before = len(_emails(db))
    services.cancel_event(organiser, event, reason="Speaker unwell")
    services.cancel_event(organiser, event)
    sent = _emails(db)[before:]
    assert sorted(m["to"] for m in sent) == sorted([have.email, waiting.email])
    assert all(m["subject"] == f"Cancelled: {event.title}" for m in sent)


def test_a_changed_time_is_emailed_with_a_new_calendar_file(db, organiser):
    event = make_event(organiser)
    person = factories.member()
    signups.sign_up(person, event)
    data = event_input(starts_at=event.starts_at + timedelta(days=1))
    before = len(_emails(db))
    services.update_event(organiser, event, data)
    sent = _emails(db)[before:]
    assert [m["to"] for m in sent] == [person.email]
    assert sent[0]["subject"] == f"Changed: {event.title}"
    assert "SEQUENCE:1" in sent[0]["attachments"][0]["content"]
    services.update_event(organiser, event, event_input(starts_at=data.starts_at, title="New title"))
    assert len(_emails(db)) == before + 1  # only the title changed: nobody is emailed


def test_more_places_go_to_the_waiting_list_in_order(db, organiser):
    event = make_event(organiser, capacity=1)
    people = [factories.member() for _ in range(4)]
    for person in people:
        signups.sign_up(person, event)
    services.update_event(organiser, event, event_input(starts_at=event.starts_at, capacity=3))
    status = {s.user_id: s.status.value for s in db.session.scalars(select(signups.Signup))}
    assert [status[p.id] for p in people] == ["confirmed", "confirmed", "confirmed", "waiting"]
    assert (event.confirmed_count, event.waiting_count) == (3, 1)


def test_capacity_cannot_fall_below_the_places_taken(organiser):
    event = make_event(organiser, capacity=2)
    for _ in range(2):
        signups.sign_up(factories.member(), event)
    with pytest.raises(InvalidInput, match="2 people already have a place"):
        services.update_event(organiser, event, event_input(starts_at=event.starts_at, capacity=1))
