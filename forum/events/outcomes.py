"""What an event led to (the learning outcomes organisers report to funders), and where its
recording and slides are."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from forum.errors import InvalidInput
from forum.events import policy
from forum.events.models import Event, EventOutcome
from forum.extensions import db
from forum.forms import clean_text
from forum.members.models import User
from forum.moderation.services.common import audit
from forum.notify import events as notify_events

# The community's own headings (its 2023 record uses these); organisers may add others.
STANDARD_OUTCOMES = ("Shadowing opportunities", "Online resource", "Start of QI ideas",
                     "Replicable QI models", "Shared learning / resources")
NAME_MAX, OUTCOMES_MAX = 120, 20


def outcomes_of(event: Event) -> list[str]:
    return list(db.session.scalars(select(EventOutcome.name).where(EventOutcome.event_id == event.id)
                                   .order_by(EventOutcome.id)))


def _link(value: str, field: str) -> str:
    value = (value or "").strip()
    if value and not value.startswith("https://"):
        raise InvalidInput("Enter a web address starting https://", field=field)
    if len(value) > 500:
        raise InvalidInput("The address must be 500 characters or fewer", field=field)
    return value


def save_outcomes(actor: User, event: Event, *, chosen: Sequence[str] = (), others: str = "",
                  recording_url: str = "", slides_url: str = "") -> list[str]:
    """Replace the event's outcomes with those ticked plus any typed (one a line)."""
    policy.require_edit(actor, event)
    links = {"recording_url": _link(recording_url, "recording_url"),
             "slides_url": _link(slides_url, "slides_url")}
    added = any(value and value != getattr(event, name) for name, value in links.items())
    for name, value in links.items():
        setattr(event, name, value)
    if added and event.is_published:
        notify_events.event_changed(event.id, "materials", actor_id=actor.id)  # its followers
    names: list[str] = []
    for name in [*chosen, *str(clean_text(others or "")).splitlines()]:
        name = " ".join(name.split())
        if len(name) > NAME_MAX:
            raise InvalidInput(f"Each outcome must be {NAME_MAX} characters or fewer", field="others")
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    if len(names) > OUTCOMES_MAX:
        raise InvalidInput(f"Record {OUTCOMES_MAX} outcomes or fewer", field="others")
    rows = {o.name: o for o in db.session.scalars(
        select(EventOutcome).where(EventOutcome.event_id == event.id))}
    for name, row in rows.items():
        if name not in names:
            db.session.delete(row)
    db.session.flush()
    db.session.add_all(EventOutcome(event_id=event.id, name=n) for n in names if n not in rows)
    audit(actor, "record_outcomes", "event", event.id, after=", ".join(names)[:500])
    db.session.commit()
    return names
