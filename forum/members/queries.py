"""Reads about members: look-ups, the approval list, profile pages and form choices."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from forum.community.models import Alliance, Profession
from forum.errors import NotFound
from forum.extensions import db
from forum.members.models import Role, Status, User

VISIBLE_STATUSES = (Status.ACTIVE, Status.SUSPENDED)


def member_by_email(email: str) -> User | None:
    """Case-insensitive, as the unique index on lower(email) is."""
    email = email.strip().lower()
    if not email:
        return None
    return db.session.scalars(select(User).where(func.lower(User.email) == email)).first()


def member_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def staff_names(*, excluding: int | None = None) -> list[str]:
    """The display names of moderators and organisers (but `excluding`'s), which no one may copy."""
    stmt = select(User.display_name).where(User.role.in_((Role.MODERATOR, Role.ADMIN)))
    if excluding is not None:
        stmt = stmt.where(User.id != excluding)
    return list(db.session.scalars(stmt))


def pending_approvals() -> list[User]:
    """Members who confirmed their email address and wait for a moderator, oldest first."""
    stmt = (
        select(User)
        .where(User.status == Status.PENDING, User.email_verified_at.is_not(None))
        .options(joinedload(User.profession), joinedload(User.alliance))
        .order_by(User.created_at, User.id)
    )
    return list(db.session.scalars(stmt))


def profile_for(user_id: int, viewer: User) -> User:
    """A member's profile as `viewer` may see it: moderators also see pending and rejected people."""
    stmt = (
        select(User)
        .where(User.id == user_id)
        .options(joinedload(User.profession), joinedload(User.alliance))
    )
    member = db.session.scalars(stmt).first()
    if member is None or (member.status not in VISIBLE_STATUSES and not viewer.is_moderator
                          and member.id != viewer.id):
        raise NotFound("No such member")
    return member


def _choices(model, keep: int | None) -> list[tuple[int, str]]:
    """What a member may choose: what is in use, and (on the account page) their own choice
    even if an organiser has since retired it."""
    stmt = (select(model.id, model.name)
            .where(or_(model.retired_at.is_(None), model.id == (keep or 0)))
            .order_by(model.position, model.name))
    return [(row.id, row.name) for row in db.session.execute(stmt)]


def profession_choices(keep: int | None = None) -> list[tuple[int, str]]:
    return _choices(Profession, keep)


def alliance_choices(keep: int | None = None) -> list[tuple[int, str]]:
    return _choices(Alliance, keep)
