"""Signing up, the waiting list, cancelling, guests, reminders and deleting answers."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.auth import tokens
from forum.db import utcnow
from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.events import signups
from forum.events.models import ReminderSent, Signup, SignupStatus
from forum.notify.models import OutboxMessage
from tests import factories
from tests.events.conftest import make_event, move_start


def _subjects(db, to: str) -> list[str]:
    return [m.payload["subject"] for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == "email").order_by(OutboxMessage.id))
        if m.payload["to"] == to]


def test_signing_up_gives_a_place_and_queues_a_confirmation(db, webinar):
    person = factories.member()
    signup = signups.sign_up(person, webinar)
    assert signup.status == SignupStatus.CONFIRMED
    assert webinar.confirmed_count == 1
    assert _subjects(db, person.email) == [f"Your place: {webinar.title}"]


def test_signing_up_twice_does_nothing_twice(db, webinar):
    person = factories.member()
    first = signups.sign_up(person, webinar)
    again = signups.sign_up(person, webinar)
    assert first.id == again.id
    assert webinar.confirmed_count == 1
    assert len(_subjects(db, person.email)) == 1


def test_a_full_event_puts_people_on_the_waiting_list_and_promotes_them_in_order(db, organiser):
    event = make_event(organiser, capacity=2)
    a, b, c, d, e = (factories.member() for _ in range(5))
    for person in (a, b, c, d, e):
        signups.sign_up(person, event)
    assert (event.confirmed_count, event.waiting_count) == (2, 3)
    assert _subjects(db, c.email) == [f"On the waiting list: {event.title}"]
    by_user = {s.user_id: s for s in db.session.scalars(select(Signup))}
    signups.cancel_signup(d, by_user[d.id])  # leaving the queue frees no place
    signups.cancel_signup(a, by_user[a.id])
    db.session.expire_all()
    status = {s.user_id: s.status for s in db.session.scalars(select(Signup))}
    assert status[c.id] == SignupStatus.CONFIRMED  # c waited longest
    assert status[e.id] == SignupStatus.WAITING
    assert (event.confirmed_count, event.waiting_count) == (2, 1)
    assert _subjects(db, c.email)[-1] == f"A place has come up for you: {event.title}"
    signups.cancel_signup(b, by_user[b.id])
    db.session.expire_all()
    assert db.session.get(Signup, by_user[e.id].id).status == SignupStatus.CONFIRMED


def test_signing_up_again_after_cancelling_joins_the_back_of_the_queue(db, organiser):
    event = make_event(organiser, capacity=1)
    a, b, c = (factories.member() for _ in range(3))
    signups.sign_up(a, event)
    first_b = signups.sign_up(b, event)
    signups.cancel_signup(b, first_b)
    signups.sign_up(c, event)
    signups.sign_up(b, event)
    signups.cancel_signup(a, db.session.scalars(select(Signup).where(Signup.user_id == a.id)).one())
    db.session.expire_all()
    status = {s.user_id: s.status for s in db.session.scalars(select(Signup))}
    assert (status[c.id], status[b.id]) == (SignupStatus.CONFIRMED, SignupStatus.WAITING)


def test_cancelling_after_the_start_is_refused_with_a_reason(db, webinar):
    person = factories.member()
    signup = signups.sign_up(person, webinar)
    move_start(webinar, utcnow() - timedelta(minutes=5))
    with pytest.raises(InvalidInput, match="already started"):
        signups.cancel_signup(person, signup)
    assert signup.status == SignupStatus.CONFIRMED


def test_nobody_signs_up_after_the_deadline_or_to_a_draft(db, organiser):
    event = make_event(organiser, publish=False)
    with pytest.raises(NotFound):  # a draft is not even visible to members
        signups.sign_up(factories.member(), event)
    event = make_event(organiser, signup_deadline=utcnow() + timedelta(days=1))
    event.signup_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(InvalidInput, match="deadline for this event has passed"):
        signups.sign_up(factories.member(), event)


def test_answers_are_kept_for_the_questions_asked_and_deleted_30_days_after(db, organiser):
    event = make_event(organiser, questions="Dietary needs\nAccess needs")
    signup = signups.sign_up(factories.member(), event,
                             answers={"Dietary needs": "Vegan", "Access needs": "", "Other": "x"})
    assert signup.answers == {"Dietary needs": "Vegan"}
    assert signups.purge_answers(now=event.ends_at + timedelta(days=29)) == 0
    assert signups.purge_answers(now=event.ends_at + timedelta(days=30)) == 1
    db.session.expire_all()
    assert db.session.get(Signup, signup.id).answers is None


def _guest(event, email="Gita@Example.org"):
    return signups.sign_up_guest(event, name="Gita Guest", email=email, profession="Dietitian",
                                 organisation="Hospice")


def test_a_guest_has_no_place_until_they_open_the_emailed_link(db, organiser):
    event = make_event(organiser, allow_guests=True, capacity=1)
    signup = _guest(event)
    assert signup.status == SignupStatus.UNVERIFIED and event.confirmed_count == 0
    assert _subjects(db, "gita@example.org") == [f"Confirm your email address to sign up: {event.title}"]
    token = tokens.make(signups.GUEST_SALT, {"id": signup.id, "e": tokens.fingerprint("gita@example.org")})
    assert signups.verify_guest(token).status == SignupStatus.CONFIRMED
    assert signups.verify_guest(token).status == SignupStatus.CONFIRMED  # twice: nothing more
    db.session.expire_all()
    assert db.session.get(type(event), event.id).confirmed_count == 1
    with pytest.raises(tokens.BadToken):
        signups.verify_guest(tokens.make(signups.GUEST_SALT, {"id": signup.id, "e": "forged"}))


def test_guests_only_where_the_organiser_allows_them(organiser):
    with pytest.raises(PermissionDenied):
        _guest(make_event(organiser))


def test_each_reminder_is_queued_once_however_often_the_job_runs(db, organiser):
    event = make_event(organiser)
    person = factories.member()
    signups.sign_up(person, event)
    day_before = event.starts_at - timedelta(hours=20)
    assert signups.send_reminders(now=event.starts_at - timedelta(days=2)) == 0
    assert signups.send_reminders(now=day_before) == 1
    assert signups.send_reminders(now=day_before) == 0
    hour_before = event.starts_at - timedelta(minutes=50)
    assert signups.send_reminders(now=hour_before) == 1
    assert signups.send_reminders(now=hour_before + timedelta(minutes=5)) == 0
    assert signups.send_reminders(now=event.starts_at + timedelta(minutes=1)) == 0
    assert _subjects(db, person.email)[1:] == [f"Reminder: {event.title} starts tomorrow",
                                               f"Reminder: {event.title} starts in an hour"]


def test_a_reminder_already_recorded_by_another_worker_is_not_queued_again(db, organiser):
    event = make_event(organiser)
    signup = signups.sign_up(factories.member(), event)
    db.session.add(ReminderSent(signup_id=signup.id, kind="day"))
    db.session.commit()
    assert signups.send_reminders(now=event.starts_at - timedelta(hours=20)) == 0
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 1


def test_people_on_the_waiting_list_get_no_reminders(db, organiser):
    event = make_event(organiser, capacity=1)
    signups.sign_up(factories.member(), event)
    signups.sign_up(factories.member(), event)
    assert signups.send_reminders(now=event.starts_at - timedelta(hours=20)) == 1


def test_the_cron_commands_run_outside_a_request(db, runner, organiser):
    event = make_event(organiser)
    signup = signups.sign_up(factories.member(), event, answers={})
    move_start(event, utcnow() + timedelta(minutes=30))
    result = runner.invoke(args=["events", "remind"])
    assert result.exit_code == 0 and "1 reminders queued" in result.output
    assert runner.invoke(args=["events", "remind"]).output.startswith("0 reminders queued")
    reminder = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert f"http://forum.test/events/{event.id}" in reminder.payload["text"]
    assert signup.id
    result = runner.invoke(args=["events", "purge-answers"])
    assert result.exit_code == 0 and "Answers deleted from 0 sign-ups" in result.output
