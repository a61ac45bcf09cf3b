"""Attendees' feedback on an event: once per member, and anonymous in the summary organisers
see (the summary never loads who wrote what)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.errors import InvalidInput, PermissionDenied
from forum.events import policy
from forum.events.models import Attendance, Event, EventFeedback
from forum.extensions import db
from forum.forms import clean_text
from forum.members.models import User
from forum.moderation.services.common import audit

TEXT_MAX = 2000
ALREADY = "You have already given feedback on this event. Thank you."


def has_attended(user: User, event: Event) -> bool:
    return db.session.scalar(select(func.count()).select_from(Attendance).where(
        Attendance.event_id == event.id, Attendance.user_id == user.id)) > 0


def has_given(user: User, event: Event) -> bool:
    return db.session.scalar(select(func.count()).select_from(EventFeedback).where(
        EventFeedback.event_id == event.id, EventFeedback.user_id == user.id)) > 0


def set_feedback_open(actor: User, event: Event, is_open: bool) -> None:
    policy.require_attendance(actor, event)
    event.feedback_open = is_open
    audit(actor, "open_feedback" if is_open else "close_feedback", "event", event.id)
    db.session.commit()


def _text(value: str | None, field: str) -> str:
    value = str(clean_text(value or "")).strip()
    if len(value) > TEXT_MAX:
        raise InvalidInput(f"Write {TEXT_MAX:,} characters or fewer", field=field)
    return value


def give_feedback(actor: User, event: Event, *, rating: int | None, learnt: str, change: str,
                  comments: str = "") -> EventFeedback:
    if not policy.can_give_feedback(actor, event, has_attended(actor, event)):
        raise PermissionDenied("Feedback is open to people who attended, while the organiser "
                               "has the form open.")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput("Choose a rating from 1 to 5", field="rating")
    row = EventFeedback(event_id=event.id, user_id=actor.id, rating=rating,
                        learnt=_text(learnt, "learnt"), change=_text(change, "change"),
                        comments=_text(comments, "comments"))
    if not row.learnt:
        raise InvalidInput("Tell us what you learnt", field="learnt")
    if not row.change:
        raise InvalidInput("Tell us what you will change in your practice", field="change")
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError as error:  # a second tab, or a double click
        db.session.rollback()
        raise InvalidInput(ALREADY) from error
    return row


@dataclass
class Summary:
    count: int = 0
    average: float | None = None
    ratings: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(5, 0, -1), 0))
    learnt: list[str] = field(default_factory=list)
    change: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def summary(event: Event) -> Summary:
    """Counts and the answers, without names and in alphabetical rather than arrival order (so
    an answer cannot be tied to who left first)."""
    result = Summary()
    rows = db.session.execute(select(EventFeedback.rating, EventFeedback.learnt, EventFeedback.change,
                                     EventFeedback.comments)
                              .where(EventFeedback.event_id == event.id)
                              .order_by(func.lower(EventFeedback.learnt))).all()
    for rating, learnt, change, comments in rows:
        result.ratings[rating] += 1
        for bucket, text in ((result.learnt, learnt), (result.change, change),
                             (result.comments, comments)):
            if text:
                bucket.append(text)
    result.count = len(rows)
    if rows:
        result.average = round(sum(r[0] for r in rows) / len(rows), 1)
    return result
