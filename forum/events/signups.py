"""Signing up, the waiting list, cancelling, guests, reminders and deleting old answers.

Capacity is held by one conditional UPDATE (`confirmed_count < capacity`), which is atomic on
both databases: on PostgreSQL the second of two concurrent sign-ups waits for the first's row
lock and then re-reads the count; SQLite has one writer. Every path that frees a place (a
cancellation, a larger capacity) hands it to the longest-waiting person in the same
transaction, under the event row's lock, so nobody jumps the queue.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from forum.auth import tokens
from forum.db import utcnow
from forum.errors import InvalidInput, PermissionDenied
from forum.events import emails, policy
from forum.events.models import Event, EventStatus, ReminderSent, Signup, SignupStatus
from forum.extensions import db
from forum.forms import clean_text
from forum.members.models import User

GUEST_SALT = "forum.event-guest"
GUEST_CANCEL_SALT = emails.GUEST_CANCEL_SALT
GUEST_CANCEL_MAX_AGE = 400 * 24 * 3600  # as long as an event can be ahead, and then some
ANSWER_MAX = 500
ANSWERS_KEPT = timedelta(days=30)
_NO_SYNC = {"synchronize_session": False}


def _clean_answers(event: Event, answers: dict[str, str] | None) -> dict[str, str] | None:
    kept = {}
    for question in event.question_list:
        value = str(clean_text((answers or {}).get(question, "") or "")).strip()
        if len(value) > ANSWER_MAX:
            raise InvalidInput(f"Answers must be {ANSWER_MAX} characters or fewer", field="answers")
        if value:
            kept[question] = value
    return kept or None


def _take_place(event: Event) -> bool:
    """One place, if one is free and nobody is waiting for it; atomic (see the module note)."""
    taken = db.session.execute(
        update(Event).where(Event.id == event.id, Event.confirmed_count < Event.capacity,
                            Event.waiting_count == 0)
        .values(confirmed_count=Event.confirmed_count + 1), execution_options=_NO_SYNC)
    return taken.rowcount == 1


def _count(event: Event, *, confirmed: int = 0, waiting: int = 0) -> None:
    db.session.execute(update(Event).where(Event.id == event.id).values(
        confirmed_count=Event.confirmed_count + confirmed,
        waiting_count=Event.waiting_count + waiting), execution_options=_NO_SYNC)


def _place_or_queue(signup: Signup) -> None:
    now = utcnow()
    signup.queued_at = now
    signup.cancelled_at = None
    if _take_place(signup.event):
        signup.status, signup.confirmed_at = SignupStatus.CONFIRMED, now
        emails.queue_confirmation(signup)
    else:
        signup.status = SignupStatus.WAITING
        _count(signup.event, waiting=1)
        emails.queue_waiting(signup)


def _refresh(event: Event) -> None:
    db.session.flush()
    db.session.refresh(event, ["confirmed_count", "waiting_count"])


def sign_up(actor: User, event: Event, *, answers: dict[str, str] | None = None) -> Signup:
    """A place, or a place on the waiting list when the event is full. Signing up again while
    holding either returns the same sign-up and sends nothing."""
    policy.require_view(actor, event)
    if not policy.can_sign_up_as_member(actor):
        raise PermissionDenied("Only active members can sign up.")
    if reason := policy.signup_closed_reason(event):
        raise InvalidInput(reason)
    cleaned = _clean_answers(event, answers)
    signup = db.session.scalars(select(Signup).where(
        Signup.event_id == event.id, Signup.user_id == actor.id)).first()
    if signup is not None and signup.status in (SignupStatus.CONFIRMED, SignupStatus.WAITING):
        return signup
    if signup is None:
        signup = Signup(event=event, user=actor, status=SignupStatus.WAITING)
        db.session.add(signup)
        try:
            db.session.flush()
        except IntegrityError:  # the same person's other request, a moment ago
            db.session.rollback()
            return db.session.scalars(select(Signup).where(
                Signup.event_id == event.id, Signup.user_id == actor.id)).one()
    signup.answers = cleaned
    _place_or_queue(signup)
    db.session.commit()
    return signup


def sign_up_guest(event: Event, *, name: str, email: str, profession: str, organisation: str,
                  answers: dict[str, str] | None = None) -> Signup:
    """A visitor without an account, where the organiser allows guests: nothing is held until
    they open the link emailed to them. Asking again sends a fresh link, and says the same."""
    if not policy.can_sign_up_as_guest(None, event):
        raise PermissionDenied("This event is for members. Join or sign in to sign up.")
    if reason := policy.signup_closed_reason(event):
        raise InvalidInput(reason)
    email = email.strip().lower()
    signup = db.session.scalars(select(Signup).where(
        Signup.event_id == event.id, Signup.guest_email == email)).first()
    if signup is None:
        signup = Signup(event=event, guest_email=email, status=SignupStatus.UNVERIFIED)
        db.session.add(signup)
    if signup.status in (SignupStatus.UNVERIFIED, SignupStatus.CANCELLED):
        signup.status = SignupStatus.UNVERIFIED
        signup.guest_name, signup.guest_profession = name.strip(), profession.strip()
        signup.guest_organisation, signup.answers = organisation.strip(), _clean_answers(event, answers)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return sign_up_guest(event, name=name, email=email, profession=profession,
                             organisation=organisation, answers=answers)
    if signup.status == SignupStatus.UNVERIFIED:
        token = tokens.make(GUEST_SALT, {"id": signup.id, "e": tokens.fingerprint(email)})
        emails.queue_guest_verification(signup, token)
    db.session.commit()
    return signup


def guest_for_token(token: str, *, salt: str = GUEST_SALT, max_age: int | None = None) -> Signup:
    """The guest sign-up a link in a guest's email belongs to; BadToken for any other."""
    payload = tokens.read(salt, token, max_age or current_app.config["VERIFY_TOKEN_MAX_AGE"])
    signup = db.session.get(Signup, payload["id"])
    if signup is None or signup.user_id is not None or \
            payload.get("e") != tokens.fingerprint(signup.guest_email or ""):
        raise tokens.BadToken
    return signup


def verify_guest(token: str) -> Signup:
    """The guest opened their link: now they take a place (or join the waiting list)."""
    signup = guest_for_token(token)
    if signup.status != SignupStatus.UNVERIFIED:
        return signup  # opened twice: nothing more happens
    if reason := policy.signup_closed_reason(signup.event):
        raise InvalidInput(reason)
    _place_or_queue(signup)
    db.session.commit()
    return signup


def cancel_signup(actor: User, signup: Signup) -> Signup:
    """Give up a place (it goes to the first person waiting) or a place in the queue."""
    if signup.user_id != actor.id and not policy.can_edit(actor, signup.event):
        raise PermissionDenied("That is not your sign-up.")
    if reason := policy.cancel_refused_reason(signup):
        raise InvalidInput(reason)
    _cancel(signup)
    db.session.commit()
    return signup


def guest_for_cancel_token(token: str) -> Signup:
    return guest_for_token(token, salt=GUEST_CANCEL_SALT, max_age=GUEST_CANCEL_MAX_AGE)


def cancel_guest_signup(token: str) -> Signup:
    """A guest has no account: the signed link in their emails cancels instead."""
    signup = guest_for_cancel_token(token)
    if reason := policy.cancel_refused_reason(signup):
        raise InvalidInput(reason)
    _cancel(signup)
    db.session.commit()
    return signup


def _cancel(signup: Signup) -> None:
    was, event = signup.status, signup.event
    if was == SignupStatus.CANCELLED:
        return
    signup.status, signup.cancelled_at = SignupStatus.CANCELLED, utcnow()
    if was == SignupStatus.CONFIRMED:
        _count(event, confirmed=-1)  # also locks the event row until commit (PostgreSQL)
        if event.is_published and not event.is_cancelled:
            fill_free_places(event)
    elif was == SignupStatus.WAITING:
        _count(event, waiting=-1)


def fill_free_places(event: Event) -> int:
    """Give free places to the waiting list, longest-waiting first; each is emailed. The caller
    commits (and holds the event row's lock: it has just updated it)."""
    _count(event)  # takes the row lock before reading who is waiting
    _refresh(event)
    promoted = 0
    while event.capacity is not None and event.confirmed_count < event.capacity:
        first = db.session.scalars(
            select(Signup).where(Signup.event_id == event.id, Signup.status == SignupStatus.WAITING)
            .order_by(Signup.queued_at, Signup.id).limit(1)).first()
        if first is None:
            break
        first.status, first.confirmed_at = SignupStatus.CONFIRMED, utcnow()
        _count(event, confirmed=1, waiting=-1)
        emails.queue_promoted(first)
        promoted += 1
        _refresh(event)
    return promoted


# --- cron jobs ----------------------------------------------------------------------------

REMINDERS = {"day": timedelta(days=1), "hour": timedelta(hours=1)}


def _insert_ignore(dialect: str):
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(ReminderSent)


def send_reminders(now: datetime | None = None) -> int:
    """Queue each due reminder once: the day before (until an hour before), and an hour before.

    The reminder row is inserted (or found already there) in the same transaction as the
    email, so two workers or two cron runs at once queue it once between them."""
    now = now or utcnow()
    sent = 0
    for kind, ahead in REMINDERS.items():
        later = REMINDERS["hour"] if kind == "day" else timedelta(0)
        due = db.session.scalars(
            select(Signup).join(Signup.event)
            .where(Event.status == EventStatus.PUBLISHED, Signup.status == SignupStatus.CONFIRMED,
                   Event.starts_at > now + later, Event.starts_at <= now + ahead,
                   ~select(ReminderSent.id).where(ReminderSent.signup_id == Signup.id,
                                                  ReminderSent.kind == kind).exists())
            .order_by(Signup.id)).all()
        for signup in due:
            stmt = _insert_ignore(db.engine.dialect.name).values(
                signup_id=signup.id, kind=kind, sent_at=now
            ).on_conflict_do_nothing().returning(ReminderSent.id)
            if db.session.execute(stmt).first() is not None:
                emails.queue_reminder(signup, kind)
                sent += 1
            db.session.commit()
    return sent


def purge_answers(now: datetime | None = None) -> int:
    """Delete the answers to events' questions 30 days after each event ended."""
    now = now or utcnow()
    ended = select(Event.id).where(Event.ends_at <= now - ANSWERS_KEPT)
    result = db.session.execute(
        update(Signup).where(Signup.event_id.in_(ended), Signup.answers.is_not(None))
        .values(answers=None, answers_deleted_at=now), execution_options=_NO_SYNC)
    db.session.commit()
    return result.rowcount


def delete_unverified_guests(now: datetime | None = None) -> int:
    """Guests who never opened their link, once the event is over."""
    now = now or utcnow()
    ended = select(Event.id).where(Event.ends_at <= now)
    result = db.session.execute(delete(Signup).where(
        Signup.event_id.in_(ended), Signup.status == SignupStatus.UNVERIFIED),
        execution_options=_NO_SYNC)
    db.session.commit()
    return result.rowcount
