"""Reads for the resource pages: each list in a fixed number of queries, whatever its length."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from forum.community.models import Alliance, Board, Profession
from forum.events.models import Event, EventStatus
from forum.extensions import db
from forum.resources import policy
from forum.resources.models import Resource, ResourceStatus, resource_professions

PAGE_SIZE = 30
SORTS = {"featured": "Featured first", "newest": "Newest first", "title": "Title (A to Z)"}


def _loaded(stmt):
    return stmt.options(joinedload(Resource.board), joinedload(Resource.alliance),
                        joinedload(Resource.event), joinedload(Resource.upload),
                        joinedload(Resource.added_by), selectinload(Resource.professions))


def listing(viewer: Any, *, kind: str | None = None, board_id: int | None = None,
            alliance_id: int | None = None, profession_id: int | None = None,
            event_id: int | None = None, sort: str = "featured", page: int = 1,
            ) -> tuple[list[Resource], bool]:
    """The resources the viewer may read, narrowed and sorted; and whether there are more."""
    stmt = policy.visible_resources(select(Resource), viewer)
    if kind:
        stmt = stmt.where(Resource.kind == kind)
    if board_id:
        stmt = stmt.where(Resource.board_id == board_id)
    if alliance_id:
        stmt = stmt.where(Resource.alliance_id == alliance_id)
    if event_id:
        stmt = stmt.where(Resource.event_id == event_id)
    if profession_id:
        stmt = stmt.where(Resource.id.in_(select(resource_professions.c.resource_id).where(
            resource_professions.c.profession_id == profession_id)))
    newest = (Resource.published_at.desc(), Resource.id.desc())
    if sort == "title":
        stmt = stmt.order_by(func.lower(Resource.title), Resource.id)
    elif sort == "newest":
        stmt = stmt.order_by(*newest)
    else:  # featured ones first (latest featured first), then the newest
        stmt = stmt.order_by(Resource.featured_at.is_(None), Resource.featured_at.desc(), *newest)
    rows = list(db.session.scalars(_loaded(stmt).offset((page - 1) * PAGE_SIZE)
                                   .limit(PAGE_SIZE + 1)).unique())
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def get_resource(resource_id: int) -> Resource | None:
    return db.session.scalars(_loaded(select(Resource).where(Resource.id == resource_id))
                              ).unique().first()


def suggestions() -> list[Resource]:
    """Members' suggestions waiting for a curator, oldest first."""
    stmt = select(Resource).where(Resource.status == ResourceStatus.SUGGESTED).order_by(
        Resource.created_at, Resource.id)
    return list(db.session.scalars(_loaded(stmt).limit(200)).unique())


def retired() -> list[Resource]:
    stmt = select(Resource).where(Resource.status == ResourceStatus.RETIRED).order_by(
        Resource.retired_at.desc(), Resource.id.desc())
    return list(db.session.scalars(_loaded(stmt).limit(200)).unique())


def suggestion_count() -> int:
    return db.session.scalar(select(func.count(Resource.id)).where(
        Resource.status == ResourceStatus.SUGGESTED)) or 0


def mine(user_id: int) -> list[Resource]:
    """A member's own suggestions and what became of them."""
    stmt = select(Resource).where(Resource.added_by_id == user_id,
                                  Resource.status != ResourceStatus.PUBLISHED).order_by(
        Resource.created_at.desc())
    return list(db.session.scalars(_loaded(stmt).limit(100)).unique())


def choices() -> tuple[list[Board], list[Alliance], list[Profession]]:
    def live(model):
        return list(db.session.scalars(select(model).where(model.retired_at.is_(None))
                                       .order_by(model.position, model.name)))

    return live(Board), live(Alliance), live(Profession)


def source_events() -> list[Event]:
    """Events a resource may have come from: published ones, latest first."""
    return list(db.session.scalars(select(Event).where(Event.status == EventStatus.PUBLISHED)
                                   .order_by(Event.starts_at.desc()).limit(300)))


def event_resources(viewer: Any, event_id: int) -> list[Resource]:
    """The readable resources that came from one event (for its page)."""
    stmt = policy.visible_resources(select(Resource), viewer).where(
        Resource.event_id == event_id).order_by(Resource.title)
    return list(db.session.scalars(_loaded(stmt).limit(50)).unique())
