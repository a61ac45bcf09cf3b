"""Events as a search document kind ("event"), and their SQL re-check.

The title is the title field; the description is the lead; speakers (members and free-text
names), venue and accessibility notes are the body; type, board, alliance and professions are
tags; speakers' names are the author field, so a search for a speaker finds their events.
Only published events have a document (drafts never; a cancelled event's is deleted), and a
match is re-checked in SQL: published, and public or the viewer a member. The services enqueue
`{"kind": "event", "id": …}` on "search" when an event is created, edited, published or cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from forum.community.models import Alliance
from forum.discussions.policy import is_member
from forum.discussions.queries import PAN_LONDON_NAME, PAN_LONDON_SLUG, is_pan_london
from forum.events import london
from forum.events.models import KIND_LABELS, Event, EventSpeaker, EventStatus, event_professions
from forum.extensions import db
from forum.markup import to_text
from forum.search.kinds import DocumentKind, KindHit, Renamed, register_kind
from forum.search.schema import GROUP_OFFSETS

KIND = "event"
CHUNK = 500


def indexable_clause():
    return Event.status == EventStatus.PUBLISHED


def indexable_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Event).where(indexable_clause())) or 0


def indexable_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Event.id).where(indexable_clause()).order_by(Event.id)))


def ids_filed_under(session: Session, renamed: Renamed) -> set[int]:
    """Events whose documents carry a renamed speaker's, board's, alliance's or profession's name."""
    conditions = []
    if renamed.author_ids:
        conditions.append(Event.id.in_(select(EventSpeaker.event_id).where(
            EventSpeaker.user_id.in_(sorted(renamed.author_ids)))))
    if renamed.board_ids:
        conditions.append(Event.board_id.in_(sorted(renamed.board_ids)))
    if alliance_ids := sorted(renamed.alliance_ids):
        conditions.append(Event.alliance_id.in_(alliance_ids))
        pan_london = select(Alliance.id).where(Alliance.slug == PAN_LONDON_SLUG,
                                               Alliance.id.in_(alliance_ids))
        conditions.append(and_(Event.alliance_id.is_(None), pan_london.exists()))
    if renamed.profession_ids:
        conditions.append(Event.id.in_(select(event_professions.c.event_id).where(
            event_professions.c.profession_id.in_(sorted(renamed.profession_ids)))))
    if not conditions:
        return set()
    return set(session.scalars(select(Event.id).where(or_(*conditions))))


def speakers(event: Event) -> list[str]:
    return [s.user.display_name for s in event.member_speakers] + event.speaker_names


def event_document(event: Event, pan_london: str) -> dict[str, Any]:
    """The search fields of an event loaded with its board, alliance, professions and speakers."""
    names = speakers(event)
    tags = [KIND_LABELS[event.kind], event.board.name if event.board else "",
            event.alliance.name if event.alliance else pan_london, *(p.name for p in event.professions)]
    return {
        "title": event.title,
        "lead": to_text(event.description_html),
        "body": " \n".join(part for part in (*names, event.venue, event.accessibility) if part),
        "author": " \n".join(names),
        "author_id": str(event.created_by_id or ""),
        "alliance": "0" if is_pan_london(event.alliance) else str(event.alliance_id),
        "professions": " ".join(str(p.id) for p in event.professions),
        "tags": " \n".join(tag for tag in tags if tag),
        "created": event.starts_at,
        "audience": "public" if event.is_public else "members",
    }


def _options():
    return (joinedload(Event.board), joinedload(Event.alliance), selectinload(Event.professions),
            selectinload(Event.member_speakers).joinedload(EventSpeaker.user))


def documents_for(session: Session, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Search fields of the published events among `ids` (a fixed number of queries a chunk)."""
    ids = sorted(set(ids))
    pan_london = session.scalar(select(Alliance.name).where(Alliance.slug == PAN_LONDON_SLUG)) or ""
    docs: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.scalars(select(Event).where(Event.id.in_(ids[start:start + CHUNK]),
                                                   indexable_clause()).options(*_options())).unique()
        docs.update({event.id: event_document(event, pan_london) for event in rows})
    return docs


# --- the re-check --------------------------------------------------------------------------

def _visible(stmt, viewer: Any, filters: Any):
    stmt = stmt.where(indexable_clause())
    if not is_member(viewer):
        stmt = stmt.where(Event.is_public)
    if filters.alliance_id is not None:
        if filters.alliance_id == 0:
            stmt = stmt.where(or_(Event.alliance_id.is_(None), Event.alliance_id.in_(
                select(Alliance.id).where(Alliance.slug == PAN_LONDON_SLUG))))
        else:
            stmt = stmt.where(Event.alliance_id == filters.alliance_id)
    if filters.profession_id is not None:
        stmt = stmt.where(Event.id.in_(select(event_professions.c.event_id).where(
            event_professions.c.profession_id == filters.profession_id)))
    if filters.author_id is not None:  # who runs it, or speaks at it
        stmt = stmt.where(or_(Event.created_by_id == filters.author_id, Event.id.in_(
            select(EventSpeaker.event_id).where(EventSpeaker.user_id == filters.author_id))))
    from forum.search.visibility import _day_end, _day_start

    if filters.date_from:
        stmt = stmt.where(Event.starts_at >= _day_start(filters.date_from).replace(tzinfo=UTC))
    if filters.date_to:
        stmt = stmt.where(Event.starts_at <= _day_end(filters.date_to).replace(tzinfo=UTC))
    return stmt


def visible_ids(ids: list[int], viewer: Any, filters: Any) -> set[int]:
    return set(db.session.scalars(_visible(select(Event.id), viewer, filters).where(Event.id.in_(ids))))


def load(ids: list[int], viewer: Any, filters: Any) -> dict[int, KindHit]:
    """The events to list, through the same rule (one query)."""
    stmt = _visible(select(Event), viewer, filters).where(Event.id.in_(ids)).options(
        joinedload(Event.alliance))
    found: dict[int, KindHit] = {}
    for event in db.session.scalars(stmt).unique():
        where = PAN_LONDON_NAME if is_pan_london(event.alliance) else event.alliance.name
        text = " ".join(part for part in (to_text(event.description_html),
                                          ", ".join(event.speaker_names), event.venue) if part)
        found[event.id] = KindHit(
            title=event.title, endpoint="events.show_event", url_values={"event_id": event.id},
            snippet_text=text, date=event.starts_at, date_label="Takes place",
            facts=[KIND_LABELS[event.kind], london.show_span(event.starts_at, event.ends_at), where],
            link_text="See this event", item=event)
    return found


EVENTS = register_kind(DocumentKind(
    key=KIND, label="Events", noun="event", offset=GROUP_OFFSETS[KIND],
    indexable_ids=indexable_ids, indexable_count=indexable_count, documents_for=documents_for,
    load=load, visible_ids=visible_ids, ids_filed_under=ids_filed_under))
