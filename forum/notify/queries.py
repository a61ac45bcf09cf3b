"""Reading a member's notifications."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.extensions import db
from forum.members.models import User
from forum.notify.models import Notification


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def notifications_page(user: User, page: int, per_page: int = 30):
    stmt = (select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
