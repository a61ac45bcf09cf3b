"""Reads for the community pages: alliances, professions and their members."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum.community.models import Alliance, Profession
from forum.discussions import policy
from forum.discussions.queries import valid_slug
from forum.extensions import db
from forum.members.models import Status, User

MEMBERS_SHOWN = 60


def alliance_by_slug(slug: str) -> Alliance | None:
    if not valid_slug(slug):
        return None
    return db.session.scalar(select(Alliance).where(Alliance.slug == slug))


def profession_by_slug(slug: str) -> Profession | None:
    if not valid_slug(slug):
        return None
    return db.session.scalar(select(Profession).where(Profession.slug == slug))


def members_of(viewer: Any, *, alliance: Alliance | None = None,
               profession: Profession | None = None,
               limit: int = MEMBERS_SHOWN) -> tuple[list[User], int]:
    """Active members of an alliance or profession (only members see the list), and how many."""
    if not policy.is_member(viewer):
        return [], 0
    stmt = select(User).where(User.status == Status.ACTIVE)
    if alliance is not None:
        stmt = stmt.where(User.alliance_id == alliance.id)
    if profession is not None:
        stmt = stmt.where(User.profession_id == profession.id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    members = db.session.scalars(
        stmt.options(joinedload(User.profession), joinedload(User.alliance))
        .order_by(func.lower(User.display_name), User.id).limit(limit)
    )
    return list(members), total
