"""In-app notifications beside the events emails: reminders (once each), changes and
cancellation reach members with a place or waiting, never anyone else."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from forum.events import services, signups
from forum.extensions import db
from forum.members.models import Status
from forum.notify.models import Notification
from tests import factories
from tests.events.conftest import event_input, make_event


def _notes(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind.like("event_%"))
        .order_by(Notification.id)))


def test_reminders_are_notifications_too_once_each_however_often_cron_runs(organiser):
    event = make_event(organiser, title="Lymphoedema webinar")
    placed, bystander = factories.member(), factories.member()
    signups.sign_up(placed, event)
    for minutes in (20 * 60, 20 * 60, 19 * 60, 50, 45):
        signups.send_reminders(now=event.starts_at - timedelta(minutes=minutes))
    assert [n.text for n in _notes(placed)] == ["“Lymphoedema webinar” starts tomorrow",
                                                 "“Lymphoedema webinar” starts in an hour"]
    assert _notes(placed)[0].link == f"/events/{event.id}"
    assert _notes(bystander) == []


def test_a_change_of_time_and_a_cancellation_reach_places_and_the_waiting_list(organiser):
    event = make_event(organiser, title="Workshop", capacity=1)
    placed, waiting, cancelled, suspended = (factories.member() for _ in range(4))
    mine = {m.id: signups.sign_up(m, event) for m in (placed, waiting, cancelled, suspended)}
    signups.cancel_signup(cancelled, mine[cancelled.id])
    suspended.status = Status.SUSPENDED
    db.session.commit()
    services.update_event(organiser, event, event_input(
        title="Workshop", capacity=1, starts_at=event.starts_at + timedelta(days=1)))
    services.update_event(organiser, event, event_input(  # the title alone: nobody is told
        title="Workshop, renamed", capacity=1, starts_at=event.starts_at))
    services.cancel_event(organiser, event)
    services.cancel_event(organiser, event)  # a second cancel does nothing
    for member in (placed, waiting):
        assert [n.kind for n in _notes(member)] == ["event_changed", "event_cancelled"]
    assert _notes(suspended) == [] and _notes(cancelled) == []


def test_following_an_alliance_or_a_profession_hears_of_new_events_there(organiser, deliver):
    from forum.notify import follows

    ncl, sel = factories.alliance("north-central-london"), factories.alliance("south-east-london")
    gpn = factories.profession("general-practice-nurse")
    in_ncl, in_sel, nurses, both_wrong, suspended, visitor_level = (
        factories.member() for _ in range(6))
    follows.follow_discussions(in_ncl, alliance=ncl)
    follows.follow_discussions(in_sel, alliance=sel)
    follows.follow_discussions(nurses, profession=gpn)
    follows.follow_discussions(both_wrong, alliance=sel, profession=gpn)
    follows.follow_discussions(suspended, alliance=ncl)
    follows.follow_discussions(visitor_level, alliance=ncl)
    suspended.status = Status.SUSPENDED
    visitor_level.status = Status.PENDING
    db.session.commit()
    event = make_event(organiser, title="NCL nurses", alliance=ncl, professions=[gpn],
                       is_public=False)
    make_event(organiser, title="A draft", alliance=ncl, publish=False)
    assert _notes(in_ncl) == []  # fan-out is the worker's
    deliver()
    [note] = _notes(in_ncl)
    assert note.text == "New event for North Central London: “NCL nurses”"
    assert note.link == f"/events/{event.id}"
    assert len(_notes(nurses)) == 1
    for member in (in_sel, both_wrong, suspended, visitor_level, organiser):
        assert _notes(member) == []
