"""Changing notification state."""

from __future__ import annotations

from sqlalchemy import update

from forum.db import utcnow
from forum.extensions import db
from forum.members.models import User
from forum.notify.models import Notification


def mark_all_read(actor: User) -> int:
    """Mark every unread notification of the actor's as read; returns how many."""
    result = db.session.execute(update(Notification).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()
    return result.rowcount or 0


def mark_read(actor: User, notification: Notification) -> None:
    """The member opened the notification (a no-op once read)."""
    if notification.user_id == actor.id and notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
