"""Who may moderate what: one place, used by views (to refuse), templates (to show buttons)
and services (to refuse again).

`actor` is a User, Flask-Login's anonymous user, or None (a visitor).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from forum.db import utcnow
from forum.discussions import policy as discussions
from forum.discussions.models import Post, Thread
from forum.errors import PermissionDenied
from forum.extensions import db
from forum.members.models import Role, User

SLOW_MODE_MAX_MINUTES = 24 * 60


def _user(actor: Any) -> User | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def can_moderate(actor: Any) -> bool:
    """Moderators and admins whose accounts are active: every everyday moderator action."""
    return discussions.is_moderator(actor)


def can_delete_permanently(actor: Any) -> bool:
    user = _user(actor)
    return bool(user and can_moderate(user) and user.role == Role.ADMIN)


def can_report(actor: Any, post: Post) -> bool:
    """Active members may report a post they can read that is not their own (a hidden post
    is already out of sight, and the report page would show its text)."""
    user = _user(actor)
    if not user or not discussions.is_member(user) or post.author_id == user.id:
        return False
    if post.deleted_at is not None:
        return False
    return discussions.can_view_post(user, post) and discussions.can_read_post_body(user, post)


def can_act_on_member(actor: Any, member: User) -> bool:
    """Warn or suspend: moderators act on members; only admins on moderators; nobody on
    themselves or on an admin."""
    user = _user(actor)
    if not user or not can_moderate(user) or user.id == member.id:
        return False
    if member.role == Role.ADMIN:
        return False
    if member.role == Role.MODERATOR:
        return user.role == Role.ADMIN
    return True


def can_see_staff_notes(actor: Any) -> bool:
    return can_moderate(actor)


def slow_mode_wait(actor: Any, thread: Thread) -> int:
    """Seconds until `actor` may post again in a thread in slow mode (0: they may now).

    Moderators are never slowed. The discussion services call this before saving a reply.
    """
    if not thread.slow_mode_minutes or can_moderate(actor):
        return 0
    user = _user(actor)
    if user is None:
        return 0
    last = db.session.scalar(
        select(Post.created_at)
        .where(Post.thread_id == thread.id, Post.author_id == user.id)
        .order_by(Post.created_at.desc())
        .limit(1)
    )
    if last is None:
        return 0
    remaining = last + timedelta(minutes=thread.slow_mode_minutes) - utcnow()
    return max(0, int(remaining.total_seconds() + 0.999))


def slow_mode_message(thread: Thread, seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return (f"This discussion is in slow mode: you can post once every "
            f"{thread.slow_mode_minutes} minutes. You can post again in about "
            f"{minutes} minute{'s' if minutes != 1 else ''}. Your text is kept below.")


def require(allowed: bool, message: str = "Only moderators can do that.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_moderator(actor: Any) -> None:
    require(can_moderate(actor))


def require_admin(actor: Any) -> None:
    require(can_delete_permanently(actor), "Only admins can delete permanently.")
