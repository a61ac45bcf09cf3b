"""Which browsers are signed in as whom, recorded on the server so that signing out ends them.

Flask-Login keeps `User.get_id()` in the session cookie and, with "remember me", in the
remember-me cookie: the member's id and a random key. Only a digest of the key is stored
(a copy of the table signs nobody in). Deleting a row ends that browser's session and its
remember-me cookie, wherever the cookies have been copied to.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from sqlalchemy import delete, select

from forum.auth.models import MemberSession
from forum.db import utcnow
from forum.extensions import db
from forum.members.models import User


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(user: User) -> str:
    """Record a newly signed-in browser (the caller commits); returns the id for its cookies."""
    now = utcnow()
    db.session.execute(delete(MemberSession).where(  # tidy this member's lapsed sessions
        MemberSession.user_id == user.id, MemberSession.expires_at <= now))
    key = secrets.token_urlsafe(32)
    db.session.add(MemberSession(user_id=user.id, key_digest=_digest(key), created_at=now,
                                 expires_at=now + current_app.config["REMEMBER_COOKIE_DURATION"]))
    user.session_key = key
    return user.get_id()


def member_for_session(session_id: str) -> User | None:
    """The member a cookie's session id belongs to, while that session has not been ended."""
    user_id, _, key = session_id.partition(".")
    if not user_id.isdigit() or len(user_id) > 10 or not 20 <= len(key) <= 100:
        return None
    user = db.session.scalar(
        select(User).join(MemberSession, MemberSession.user_id == User.id)
        .where(MemberSession.key_digest == _digest(key), User.id == int(user_id),
               MemberSession.expires_at > utcnow()))
    if user is not None:
        user.session_key = key
    return user


def end_session(user: User) -> None:
    """End the session of the browser `user` was loaded from (the caller commits)."""
    if user.session_key:
        db.session.execute(delete(MemberSession).where(
            MemberSession.user_id == user.id, MemberSession.key_digest == _digest(user.session_key)))


def end_every_session(user: User) -> None:
    """End every session the member has, in every browser (the caller commits)."""
    db.session.execute(delete(MemberSession).where(MemberSession.user_id == user.id))
    user.session_key = None
