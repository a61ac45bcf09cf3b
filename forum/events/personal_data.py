"""A member's events data: sign-ups (with their answers), attendance, speaking and organising.

Erasing gives up their places at events still to come (the waiting list moves up, as when
they cancel), then keeps each sign-up and attendance row as "Former member" with no
address, so organisers' numbers for past events stay true. Sign-ups made as a guest with
the same address are treated the same way.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from forum.db import utcnow
from forum.events.models import (
    Attendance,
    Event,
    EventOrganiser,
    EventSpeaker,
    Signup,
)
from forum.events.signups import _cancel
from forum.extensions import db
from forum.members.models import User

FORMER = "Former member"


def _signups(user: User):
    return select(Signup).where(or_(Signup.user_id == user.id,
                                    func.lower(Signup.guest_email) == user.email.lower()))


def _attendance(user: User, signup_ids: list[int]):
    return select(Attendance).where(or_(Attendance.signup_id.in_(signup_ids),
                                        func.lower(Attendance.email) == user.email.lower()))


def export_member(user: User) -> dict[str, Any]:
    signups = list(db.session.scalars(_signups(user).order_by(Signup.id)))
    events = {e.id: e for e in db.session.scalars(
        select(Event).where(Event.id.in_({s.event_id for s in signups} | set(db.session.scalars(
            select(EventSpeaker.event_id).where(EventSpeaker.user_id == user.id))))))}
    attended = db.session.scalars(_attendance(user, [s.id for s in signups])
                                  .order_by(Attendance.id))
    return {
        "sign_ups": [{"event_id": s.event_id, "event": events[s.event_id].title,
                      "starts_at": events[s.event_id].starts_at, "status": s.status,
                      "signed_up_at": s.created_at, "confirmed_at": s.confirmed_at,
                      "cancelled_at": s.cancelled_at, "answers": s.answers,
                      "answers_deleted_at": s.answers_deleted_at} for s in signups],
        "attendance": [{"event_id": a.event_id, "name": a.name, "email": a.email,
                        "minutes": a.minutes, "recorded_from": a.source,
                        "recorded_at": a.recorded_at} for a in attended],
        "speaker_at": [{"event_id": s.event_id, "event": events[s.event_id].title}
                       for s in db.session.scalars(select(EventSpeaker).where(
                           EventSpeaker.user_id == user.id))],
        "event_organiser": db.session.get(EventOrganiser, user.id) is not None,
    }


def erase_member(user: User) -> None:
    now = utcnow()
    signups = list(db.session.scalars(_signups(user)))
    for signup in signups:
        if signup.event.starts_at > now:
            _cancel(signup)
    for row in db.session.scalars(_attendance(user, [s.id for s in signups])):
        row.name, row.email = FORMER, f"erased-{row.id}@erased.invalid"
    for signup in signups:
        signup.user_id, signup.guest_email, signup.answers = None, None, None
        signup.guest_name, signup.guest_profession, signup.guest_organisation = FORMER, "", ""
    for model in (EventSpeaker, EventOrganiser):
        for row in db.session.scalars(select(model).where(model.user_id == user.id)):
            db.session.delete(row)
