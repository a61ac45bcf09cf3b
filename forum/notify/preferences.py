"""Email preferences: for each kind of notification, when (if ever) it is emailed; the
weekly digest's day and hour (London time); bounces; and the signed one-click unsubscribe
links every email carries (RFC 8058)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.db import utcnow
from forum.errors import InvalidInput
from forum.extensions import db
from forum.members.models import Status, User
from forum.notify.models import EmailSettings

IMMEDIATELY, DAILY, WEEKLY, NEVER = "immediately", "daily", "weekly", "never"
MODES = {
    IMMEDIATELY: "Straight away (several within a few minutes come as one email)",
    DAILY: "In a daily digest",
    WEEKLY: "In a weekly digest",
    NEVER: "Never by email (only on the site)",
}
# Email kind -> what the preferences page calls it. Moderation cannot be sent in a digest:
# it is about the member's own posts and cannot wait a week. Digests are made of posts, so
# QI write-up and event news comes straight away (batched) or not by email.
KINDS = {
    "replies": "Replies in discussions you follow",
    "mentions": "When someone mentions you",
    "new_discussions": "New discussions on boards, alliances and professions you follow",
    "moderation": "What moderators do about your posts and reports",
    "qi": "New versions, “We tried this” and replicas of QI write-ups you follow",
    "events": "Changes to events you follow, and new events for the alliances and professions "
              "you follow",
}
DIGEST_KINDS = ("replies", "mentions", "new_discussions")
IMMEDIATE_ONLY = ("moderation", "qi", "events")
# Notification kind (Notification.kind) -> the email kind whose preference decides.
EMAIL_KIND = {"reply": "replies", "mention": "mentions", "new_thread": "new_discussions",
              "qi_revised": "qi", "qi_tried": "qi", "qi_replicated": "qi",
              "event_new": "events", "event_changed": "events", "event_cancelled": "events",
              "event_materials": "events"}
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
BOUNCE_LIMIT = 3


def email_kind(notification_kind: str) -> str:
    return EMAIL_KIND.get(notification_kind, "moderation")


def defaults(user_id: int) -> EmailSettings:
    """Settings as a member without a row has them (not added to the session)."""
    return EmailSettings(user_id=user_id, replies=IMMEDIATELY, mentions=IMMEDIATELY,
                         new_discussions=DAILY, moderation=IMMEDIATELY, qi=IMMEDIATELY,
                         events=IMMEDIATELY, weekly_day=0,
                         weekly_hour=8, key="", bounce_count=0)


def settings_for(user_ids: Iterable[int]) -> dict[int, EmailSettings]:
    """Each member's settings, defaults for those without a row: one query for any number."""
    ids = list(set(user_ids))
    found: dict[int, EmailSettings] = {}
    for start in range(0, len(ids), 900):  # SQLite's limit on bound parameters
        found.update((s.user_id, s) for s in db.session.scalars(
            select(EmailSettings).where(EmailSettings.user_id.in_(ids[start:start + 900]))))
    return {i: found.get(i) or defaults(i) for i in ids}


def stored_settings(user: User) -> EmailSettings:
    """The member's row, made if missing (the caller commits)."""
    row = db.session.get(EmailSettings, user.id)
    if row is not None:
        return row
    # Two requests (or a request and the outbox worker) can make a member's first row at
    # once; the loser's savepoint rolls back and it reads the winner's row.
    row = defaults(user.id)
    row.key = secrets.token_hex(16)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        row = db.session.scalars(select(EmailSettings).where(EmailSettings.user_id == user.id)
                                 .execution_options(populate_existing=True)).one()
    return row


def stored_settings_many(user_ids: Iterable[int]) -> dict[int, EmailSettings]:
    """Each member's row, the missing ones made (the caller commits)."""
    ids = list(set(user_ids))
    found: dict[int, EmailSettings] = {}
    for start in range(0, len(ids), 900):
        found.update((s.user_id, s) for s in db.session.scalars(
            select(EmailSettings).where(EmailSettings.user_id.in_(ids[start:start + 900]))))
    for user_id in ids:
        if user_id not in found:
            row = defaults(user_id)
            row.key = secrets.token_hex(16)
            db.session.add(row)
            found[user_id] = row
    return found


def mode(settings: EmailSettings, kind: str) -> str:
    return getattr(settings, kind) if kind in KINDS else IMMEDIATELY


def may_email(user: User, settings: EmailSettings) -> bool:
    """Active members whose address has not bounced get notification email."""
    return user.status == Status.ACTIVE and settings.mail_stopped_at is None


def update_preferences(actor: User, *, modes: dict[str, str], weekly_day: int,
                       weekly_hour: int) -> EmailSettings:
    row = stored_settings(actor)
    for kind, value in modes.items():
        if kind not in KINDS or value not in MODES:
            raise InvalidInput("Choose one of the options", field=kind)
        if kind in IMMEDIATE_ONLY and value in (DAILY, WEEKLY):
            raise InvalidInput("These come straight away or not by email", field=kind)
        setattr(row, kind, value)
    if not (0 <= weekly_day <= 6):
        raise InvalidInput("Choose a day", field="weekly_day")
    if not (0 <= weekly_hour <= 23):
        raise InvalidInput("Choose a time", field="weekly_hour")
    row.weekly_day, row.weekly_hour = weekly_day, weekly_hour
    db.session.commit()
    return row


def resume_email(actor: User) -> None:
    """The member says their address works again (after bounces stopped their email)."""
    row = stored_settings(actor)
    row.bounce_count, row.mail_stopped_at = 0, None
    db.session.commit()


# --- bounces ------------------------------------------------------------------------------

def record_bounce(email: str, *, permanent: bool = True) -> User | None:
    """Count a bounce from `email` (the caller commits). After BOUNCE_LIMIT permanent
    bounces the member gets no more notification email until they say it works again."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not permanent:
        return user
    row = stored_settings(user)
    row.bounce_count += 1
    if row.bounce_count >= BOUNCE_LIMIT and row.mail_stopped_at is None:
        row.mail_stopped_at = utcnow()
    return user


# --- unsubscribe links --------------------------------------------------------------------

def signature(key: str, kind: str) -> str:
    """The HMAC in an unsubscribe link; the newsletter's links use it too (kind "newsletter")."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"unsubscribe:{key}:{kind}".encode(), hashlib.sha256).hexdigest()[:32]


def unsubscribe_token(user: User, kind: str, *, settings: EmailSettings | None = None) -> str:
    """Opaque: the member's random key, the kind, and a signature (the caller commits, in
    case the member's settings row is new). `settings`: their stored row, if in hand."""
    key = (settings if settings is not None and settings.key else stored_settings(user)).key
    return f"{key}.{kind}.{signature(key, kind)}"


def read_token(token: str) -> tuple[EmailSettings, str] | None:
    """The settings and kind a token stands for, or None if it is not one we made."""
    parts = token.split(".")
    if len(parts) != 3 or (parts[1] not in KINDS and parts[1] != "all"):
        return None
    key, kind, signed = parts
    if not hmac.compare_digest(signed, signature(key, kind)):
        return None
    row = db.session.scalar(select(EmailSettings).where(EmailSettings.key == key))
    return (row, kind) if row is not None else None


def unsubscribe(token: str) -> str | None:
    """Stop the kind of email a token names (one click, no session); returns the kind."""
    found = read_token(token)
    if found is None:
        return None
    row, kind = found
    for name in (KINDS if kind == "all" else (kind,)):
        setattr(row, name, NEVER)
    db.session.commit()
    return kind


def batch_window() -> timedelta:
    """How long an immediate email waits for others to join it."""
    return timedelta(seconds=current_app.config["NOTIFY_BATCH_SECONDS"])
