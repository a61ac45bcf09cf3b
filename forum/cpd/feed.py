"""What other domains tell the CPD record through the outbox (registered by forum.cpd.register).

- `events.attended` {event_id, user_id}: one entry per member per event, with the attendance
  row as evidence. Applied again (a re-imported attendance list), it changes nothing.
- `events.attendance_removed` {event_id, user_id}: the entry goes, unless the member has edited
  it (then it stays, marked as having lost its attendance record).
- `shadowing.completed` {user_id, visit_id, title, date, hours}: a suggestion to accept or ignore.

A batch is applied whole and committed by forum.outbox.process; each step is idempotent, so a
batch cut short and applied again does no harm.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from forum.cpd.models import CpdEntry, EntryStatus, Method, Source
from forum.cpd.services import TOPIC_MAX, suggest
from forum.db import utcnow
from forum.extensions import db
from forum.members.models import User
from forum.notify.models import OutboxMessage

log = logging.getLogger(__name__)


def _ids(message: OutboxMessage, *names: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(message.payload[name]) for name in names)
    except (KeyError, TypeError, ValueError):
        log.warning("CPD: outbox %s %s has a bad payload: %r", message.topic, message.id, message.payload)
        return None


def _attendance(event_id: int, user: User):
    from forum.events.models import Attendance

    return db.session.scalar(select(Attendance).where(
        Attendance.event_id == event_id, func.lower(Attendance.email) == user.email.lower()))


def record_attended(event_id: int, user_id: int) -> CpdEntry | None:
    """Make (or re-link) the member's entry for an event they attended; None if nothing to do."""
    from forum.events.london import local
    from forum.events.models import Event, Kind

    user, event = db.session.get(User, user_id), db.session.get(Event, event_id)
    if user is None or event is None:
        return None
    attendance = _attendance(event_id, user)
    if attendance is None:  # removed again before this ran: nothing to evidence
        return None
    if event.starts_at > utcnow():
        log.warning("CPD: attendance for event %s, which has not started, was not recorded", event_id)
        return None
    existing = db.session.scalar(select(CpdEntry).where(
        CpdEntry.user_id == user_id, CpdEntry.source == Source.EVENT, CpdEntry.source_id == event_id))
    if existing is not None:
        existing.attendance_id = attendance.id  # a re-import: keep the entry, point at the row
        return None
    minutes = max(1, round((event.ends_at - event.starts_at).total_seconds() / 60))
    first, last = local(event.starts_at).date(), local(event.ends_at).date()
    method = Method.WEBINAR if event.kind == Kind.WEBINAR else Method.WORKSHOP
    return suggest(user_id, Source.EVENT, event_id, status=EntryStatus.RECORDED,
                   start_date=first, end_date=last if last != first else None, method=method,
                   topic=event.title[:TOPIC_MAX], minutes=minutes, participatory_minutes=minutes,
                   attendance_id=attendance.id,
                   evidence_note=f"Attendance recorded by the organisers ({attendance.source})")


def remove_attended(event_id: int, user_id: int) -> None:
    entry = db.session.scalar(select(CpdEntry).where(
        CpdEntry.user_id == user_id, CpdEntry.source == Source.EVENT, CpdEntry.source_id == event_id))
    if entry is None:
        return
    user = db.session.get(User, user_id)
    if user is not None and _attendance(event_id, user) is not None:
        return  # recorded again since: the removal is out of date
    if entry.edited_at is None and entry.status != EntryStatus.IGNORED:
        db.session.delete(entry)
    else:
        entry.attendance_id = None
        entry.evidence_note = "The organisers removed the attendance record for this event"


def handle_attended(messages: Sequence[OutboxMessage]) -> None:
    for message in messages:
        if ids := _ids(message, "event_id", "user_id"):
            record_attended(*ids)
            db.session.flush()


def handle_attendance_removed(messages: Sequence[OutboxMessage]) -> None:
    for message in messages:
        if ids := _ids(message, "event_id", "user_id"):
            remove_attended(*ids)
            db.session.flush()


def handle_shadowing(messages: Sequence[OutboxMessage]) -> None:
    """A completed shadowing visit, from the payload alone, as a suggestion."""
    for message in messages:
        ids = _ids(message, "user_id", "visit_id")
        if ids is None or db.session.get(User, ids[0]) is None:
            continue
        payload = message.payload
        try:
            day = date.fromisoformat(str(payload.get("date")))
            minutes = round(float(payload.get("hours") or 0) * 60)
        except (TypeError, ValueError):
            log.warning("CPD: shadowing message %s has a bad date or hours", message.id)
            continue
        minutes = min(max(minutes, 0), 24 * 60)
        title = " ".join(str(payload.get("title") or "Shadowing visit").split())[:TOPIC_MAX]
        suggest(ids[0], Source.SHADOWING, ids[1], status=EntryStatus.SUGGESTED, start_date=day,
                method=Method.SHADOWING, topic=title, minutes=minutes, participatory_minutes=minutes,
                evidence_note="Shadowing visit completed on this platform")
        db.session.flush()


def register() -> None:
    from forum import outbox

    outbox.register_handler("events.attended", handle_attended)
    outbox.register_handler("events.attendance_removed", handle_attendance_removed)
    outbox.register_handler("shadowing.completed", handle_shadowing)
