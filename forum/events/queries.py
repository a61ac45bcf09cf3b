"""Reads for the event pages: each list in a fixed number of queries, whatever its length."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from forum.community.models import Alliance, Board, Profession
from forum.db import utcnow
from forum.discussions.policy import _user
from forum.events import policy
from forum.events.models import (
    Attendance,
    Event,
    EventOrganiser,
    EventSpeaker,
    EventStatus,
    Signup,
    SignupStatus,
    event_professions,
)
from forum.extensions import db
from forum.members.models import User

PAGE_SIZE = 50
SHOWN_ON_HUBS = 3  # an alliance's or profession's page lists its next few events


def _loaded(stmt):
    return stmt.options(joinedload(Event.board), joinedload(Event.alliance),
                        selectinload(Event.professions),
                        selectinload(Event.member_speakers).joinedload(EventSpeaker.user))


def _narrowed(stmt, *, kind: str | None = None, alliance_id: int | None = None,
              profession_id: int | None = None):
    if kind:
        stmt = stmt.where(Event.kind == kind)
    if alliance_id:
        stmt = stmt.where(Event.alliance_id == alliance_id)
    if profession_id:
        stmt = stmt.where(Event.id.in_(select(event_professions.c.event_id).where(
            event_professions.c.profession_id == profession_id)))
    return stmt


def listing(viewer: Any, *, past: bool = False, kind: str | None = None, alliance_id: int | None = None,
            profession_id: int | None = None, page: int = 1) -> tuple[list[Event], bool]:
    """Upcoming (soonest first) or past (latest first) events the viewer may see; and whether
    there are more."""
    stmt = _narrowed(policy.visible_events(select(Event), viewer), kind=kind,
                     alliance_id=alliance_id, profession_id=profession_id)
    now = utcnow()
    if past:
        stmt = stmt.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        stmt = stmt.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)
    rows = list(db.session.scalars(_loaded(stmt).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1))
                .unique())
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def hub_events(viewer: Any, *, alliance_id: int | None = None, profession_id: int | None = None,
               limit: int = SHOWN_ON_HUBS) -> tuple[list[Event], int]:
    """An alliance's or profession's next few events and how many are coming: two queries."""
    stmt = _narrowed(policy.visible_events(select(Event), viewer), alliance_id=alliance_id,
                     profession_id=profession_id).where(Event.ends_at >= utcnow(),
                                                        Event.status == EventStatus.PUBLISHED)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(Event.starts_at, Event.id).limit(limit))
    return list(rows), total


def my_signups(viewer: Any, events: Sequence[Event]) -> dict[int, Signup]:
    """The viewer's sign-up to each listed event, in one query."""
    user = _user(viewer)
    if user is None or not events:
        return {}
    rows = db.session.scalars(select(Signup).where(
        Signup.user_id == user.id, Signup.event_id.in_([e.id for e in events])))
    return {s.event_id: s for s in rows}


def visible_titles(viewer: Any, ids: list[int]) -> dict[int, str]:
    """Titles of the events among `ids` this viewer may see (the Following page): one query."""
    if not ids:
        return {}
    stmt = policy.visible_events(select(Event.id, Event.title).where(Event.id.in_(ids)), viewer)
    return dict(db.session.execute(stmt).all())


def get_event(event_id: int) -> Event | None:
    return db.session.scalars(_loaded(select(Event).where(Event.id == event_id))).unique().first()


def signup_for(viewer: Any, event: Event) -> Signup | None:
    user = _user(viewer)
    if user is None:
        return None
    return db.session.scalars(select(Signup).where(
        Signup.event_id == event.id, Signup.user_id == user.id)).first()


def waiting_position(signup: Signup) -> int | None:
    if signup.status != SignupStatus.WAITING:
        return None
    ahead = db.session.scalar(select(func.count()).select_from(Signup).where(
        Signup.event_id == signup.event_id, Signup.status == SignupStatus.WAITING,
        (Signup.queued_at < signup.queued_at)
        | ((Signup.queued_at == signup.queued_at) & (Signup.id < signup.id))))
    return (ahead or 0) + 1


def organiser_events(viewer: Any) -> list[Event]:
    """The events an organiser runs, drafts first, then the soonest."""
    stmt = policy.mine_or_all(select(Event), viewer).order_by(
        (Event.status == EventStatus.DRAFT).desc(), Event.starts_at.desc())
    return list(db.session.scalars(_loaded(stmt).limit(200)).unique())


def signups(event: Event) -> list[Signup]:
    """Everyone signed up, places first then the waiting list in order (organisers' page)."""
    order = {SignupStatus.CONFIRMED: 0, SignupStatus.WAITING: 1, SignupStatus.UNVERIFIED: 2,
             SignupStatus.CANCELLED: 3}
    rows = db.session.scalars(select(Signup).options(joinedload(Signup.user))
                              .where(Signup.event_id == event.id).order_by(Signup.queued_at, Signup.id))
    return sorted(rows, key=lambda s: order[s.status])


def feed_events() -> list[Event]:
    """Published, upcoming, public: the /events.ics subscription."""
    return list(db.session.scalars(select(Event).where(
        Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]), Event.is_public,
        Event.ends_at >= utcnow()).order_by(Event.starts_at).limit(500)))


def choices() -> tuple[list[Board], list[Alliance], list[Profession]]:
    def live(model):
        return list(db.session.scalars(select(model).where(model.retired_at.is_(None))
                                       .order_by(model.position, model.name)))

    return live(Board), live(Alliance), live(Profession)


def members_by_email(emails: Sequence[str]) -> dict[str, User]:
    if not emails:
        return {}
    rows = db.session.scalars(select(User).where(func.lower(User.email).in_([e.lower() for e in emails])))
    return {u.email.lower(): u for u in rows}


def event_organisers() -> list[EventOrganiser]:
    return list(db.session.scalars(select(EventOrganiser).options(joinedload(EventOrganiser.user))
                                   .join(EventOrganiser.user).order_by(User.display_name)))


def attended_by(user: User) -> list[tuple[Event, Attendance]]:
    """The events a member attended, latest first, with their attendance rows (one query)."""
    return list(db.session.execute(
        select(Event, Attendance).join(Attendance, Attendance.event_id == Event.id)
        .where(Attendance.user_id == user.id).order_by(Event.starts_at.desc()).limit(500)).all())
