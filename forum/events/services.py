"""Creating, changing, publishing and cancelling events, and choosing who may run them.

Each service checks policy, changes state, queues the emails people are owed, and commits
once. Times arrive in UTC (the form converts London wall-clock time: forum.events.london).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from forum.community.models import Alliance, Board, Profession
from forum.db import utcnow
from forum.errors import InvalidInput, PermissionDenied
from forum.events import emails, policy
from forum.events.models import (
    Event,
    EventOrganiser,
    EventSpeaker,
    EventStatus,
    Kind,
    Signup,
    SignupStatus,
)
from forum.events.signups import fill_free_places
from forum.extensions import db
from forum.forms import clean_text
from forum.markup import MAX_SOURCE, problem, render
from forum.members.models import User
from forum.moderation.services.common import audit
from forum.notify import events as notify_events
from forum.outbox import enqueue

TITLE_MAX = 200
CAPACITY_MAX = 10_000
QUESTIONS_MAX = 5


@dataclass
class EventInput:
    """What the organiser typed, already shaped by the form (times in UTC)."""

    title: str
    kind: Kind
    starts_at: datetime
    ends_at: datetime
    capacity: int
    board: Board | None = None
    alliance: Alliance | None = None
    professions: Sequence[Profession] = ()
    signup_deadline: datetime | None = None
    venue: str = ""
    accessibility: str = ""
    joining_link: str = ""
    description: str = ""
    speakers: str = ""
    speaker_members: Sequence[User] = ()
    questions: str = ""
    is_public: bool = True
    allow_guests: bool = False
    changed_fields: set[str] = field(default_factory=set)


def _text(value: str, *, limit: int, field: str, what: str) -> str:
    value = str(clean_text(value or "")).strip()
    if len(value) > limit:
        raise InvalidInput(f"{what} must be {limit:,} characters or fewer", field=field)
    return value


def _check(data: EventInput, event: Event | None) -> None:
    """The rules that need more than one field, or the state of the event."""
    now = utcnow()
    title = " ".join(str(clean_text(data.title or "")).split())
    if not title:
        raise InvalidInput("Enter a title", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"Title must be {TITLE_MAX} characters or fewer", field="title")
    data.title = title
    moved = event is None or (event.starts_at, event.ends_at) != (data.starts_at, data.ends_at)
    if moved and data.starts_at <= now:
        raise InvalidInput("The start must be in the future", field="start_date")
    if data.ends_at <= data.starts_at:
        raise InvalidInput("The end must be after the start", field="end_date")
    if data.signup_deadline and data.signup_deadline > data.starts_at:
        raise InvalidInput("The sign-up deadline must be before the event starts",
                           field="deadline_date")
    if not isinstance(data.capacity, int) or data.capacity < 1:
        raise InvalidInput("Enter the number of places, 1 or more", field="capacity")
    if data.capacity > CAPACITY_MAX:
        raise InvalidInput(f"Enter {CAPACITY_MAX:,} places or fewer", field="capacity")
    if event is not None and data.capacity < event.confirmed_count:
        raise InvalidInput(f"{event.confirmed_count} people already have a place, so there must be "
                           f"at least {event.confirmed_count} places", field="capacity")
    data.description = _text(data.description, limit=MAX_SOURCE, field="description",
                             what="The description")
    if message := problem(data.description):
        raise InvalidInput(message, field="description")
    data.venue = _text(data.venue, limit=1000, field="venue", what="The address")
    data.accessibility = _text(data.accessibility, limit=2000, field="accessibility",
                               what="Accessibility information")
    data.speakers = _text(data.speakers, limit=1000, field="speakers", what="Speakers")
    data.questions = _text(data.questions, limit=1000, field="questions", what="Questions")
    if len([q for q in data.questions.splitlines() if q.strip()]) > QUESTIONS_MAX:
        raise InvalidInput(f"Ask {QUESTIONS_MAX} questions or fewer, one a line", field="questions")
    data.joining_link = _text(data.joining_link, limit=500, field="joining_link",
                              what="The joining link")
    if data.joining_link and not data.joining_link.startswith("https://"):
        raise InvalidInput("Enter the joining link as a web address starting https://",
                           field="joining_link")
    if data.kind != Kind.WEBINAR and not data.venue:
        raise InvalidInput("Enter the address of the venue", field="venue")
    if not data.is_public:
        data.allow_guests = False  # guests can only come to events visitors can see


def _apply(event: Event, data: EventInput) -> None:
    for name in ("title", "kind", "starts_at", "ends_at", "capacity", "signup_deadline", "venue",
                 "accessibility", "joining_link", "description", "speakers", "questions",
                 "is_public", "allow_guests"):
        setattr(event, name, getattr(data, name))
    event.board, event.alliance = data.board, data.alliance
    event.professions = list(data.professions)
    event.description_html = render(data.description, first_heading=2) if data.description else ""
    wanted = {u.id: u for u in data.speaker_members}
    event.member_speakers = [s for s in event.member_speakers if s.user_id in wanted]
    have = {s.user_id for s in event.member_speakers}
    event.member_speakers.extend(EventSpeaker(user=u) for i, u in wanted.items() if i not in have)


def reindex(event: Event) -> None:
    """Search re-reads the event after commit (forum.events.search_kind): a draft or a cancelled
    event has no document, so this also removes one."""
    enqueue("search", {"kind": "event", "id": event.id})


def create_event(actor: User, data: EventInput) -> Event:
    """A new event, as a draft only its organisers see until it is published."""
    policy.require_organiser(actor)
    _check(data, None)
    event = Event(created_by=actor, status=EventStatus.DRAFT)
    _apply(event, data)
    db.session.add(event)
    db.session.flush()
    audit(actor, "create_event", "event", event.id, after=event.title)
    reindex(event)
    db.session.commit()
    return event


NOTIFIED_CHANGES = ("starts_at", "ends_at", "venue", "joining_link", "kind")


def update_event(actor: User, event: Event, data: EventInput) -> Event:
    """Change an event; people with a place (or waiting) are told when its time, place or link
    changes. A larger capacity gives the new places to the waiting list, in order."""
    policy.require_edit(actor, event)
    if event.is_cancelled:
        raise InvalidInput("This event has been cancelled, so it cannot be changed.")
    _check(data, event)
    changed = [n for n in NOTIFIED_CHANGES if getattr(event, n) != getattr(data, n)]
    _apply(event, data)
    event.updated_at = utcnow()
    if changed and event.is_published:
        event.sequence += 1
        emails.queue_changed(_people(event))
        notify_events.event_changed(event.id, "changed", actor_id=actor.id)  # its followers
    db.session.flush()
    if event.is_published:
        fill_free_places(event)
    audit(actor, "update_event", "event", event.id, after=", ".join(changed) or "details")
    reindex(event)
    db.session.commit()
    return event


def _people(event: Event) -> list[Signup]:
    return list(db.session.scalars(
        select(Signup).where(Signup.event_id == event.id,
                             Signup.status.in_([SignupStatus.CONFIRMED, SignupStatus.WAITING]))
        .order_by(Signup.id)))


def publish_event(actor: User, event: Event) -> Event:
    policy.require_edit(actor, event)
    if event.status != EventStatus.DRAFT:
        raise InvalidInput("Only a draft can be published.")
    if event.starts_at <= utcnow():
        raise InvalidInput("This event's start has passed. Change its time before publishing it.")
    event.status = EventStatus.PUBLISHED
    event.published_at = utcnow()
    audit(actor, "publish_event", "event", event.id, before="draft", after="published")
    reindex(event)
    notify_events.event_published(event.id, actor_id=actor.id)  # followers: in the worker
    db.session.commit()
    return event


def cancel_event(actor: User, event: Event, *, reason: str = "") -> Event:
    """Cancel, and tell everyone with a place or on the waiting list (once: a second cancel
    does nothing)."""
    policy.require_edit(actor, event)
    if event.is_cancelled:
        return event
    before = event.status.value
    event.status = EventStatus.CANCELLED
    event.cancelled_at = utcnow()
    event.sequence += 1
    if before == EventStatus.PUBLISHED:
        emails.queue_cancelled(_people(event))
        notify_events.event_changed(event.id, "cancelled", actor_id=actor.id)
    audit(actor, "cancel_event", "event", event.id, reason=reason[:2000], before=before,
          after="cancelled")
    reindex(event)
    db.session.commit()
    return event


# --- who may run events -------------------------------------------------------------------

def grant_organiser(actor: User, member: User) -> None:
    if not policy.is_admin(actor):
        raise PermissionDenied(policy.ONLY_ADMINS)
    if db.session.get(EventOrganiser, member.id) is None:
        db.session.add(EventOrganiser(user_id=member.id, granted_by_id=actor.id))
        audit(actor, "grant_event_organiser", "user", member.id, after="event organiser")
    db.session.commit()


def revoke_organiser(actor: User, member: User) -> None:
    if not policy.is_admin(actor):
        raise PermissionDenied(policy.ONLY_ADMINS)
    row = db.session.get(EventOrganiser, member.id)
    if row is not None:
        db.session.delete(row)
        audit(actor, "revoke_event_organiser", "user", member.id, before="event organiser")
    db.session.commit()
