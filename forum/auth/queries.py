"""Reads about signing in."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.auth.models import MemberSession
from forum.db import utcnow
from forum.extensions import db
from forum.members.models import User


def live_session_count(user: User) -> int:
    """How many browsers are signed in as this member now (this one included)."""
    return db.session.scalar(
        select(func.count()).select_from(MemberSession)
        .where(MemberSession.user_id == user.id, MemberSession.expires_at > utcnow())) or 0
