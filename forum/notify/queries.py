"""Reading a member's notifications and what they follow."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.community.models import Alliance, Board, Profession
from forum.discussions import policy
from forum.extensions import db
from forum.members.models import User
from forum.notify.models import Notification


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def notifications_page(user: User, page: int, per_page: int = 30):
    """Newest first by their last change: a grouped row moves up when a reply joins it."""
    stmt = (select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.updated_at.desc(), Notification.id.desc()))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def notification_of(user: User, notification_id: int) -> Notification | None:
    note = db.session.get(Notification, notification_id)
    return note if note is not None and note.user_id == user.id else None


def followable(viewer: User) -> tuple[list[Board], list[Alliance], list[Profession]]:
    """Boards the member can read, and the alliances and professions, live ones only."""
    boards = [b for b in db.session.scalars(
        select(Board).where(Board.retired_at.is_(None)).order_by(Board.position, Board.name))
        if policy.can_view_board(viewer, b)]
    alliances = list(db.session.scalars(select(Alliance).where(Alliance.retired_at.is_(None))
                                        .order_by(Alliance.position, Alliance.name)))
    professions = list(db.session.scalars(
        select(Profession).where(Profession.retired_at.is_(None))
        .order_by(Profession.position, Profession.name)))
    return boards, alliances, professions
