"""What every moderation service shares: input checks, the audit trail, telling members,
and keeping the counters and "latest" a thread's move leaves behind."""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from forum import outbox
from forum.community.models import Board
from forum.db import utcnow
from forum.discussions import counters
from forum.discussions.models import Post, Thread
from forum.errors import InvalidInput
from forum.extensions import db
from forum.forms import clean_text
from forum.members.models import User
from forum.moderation.models import AuditEntry
from forum.notify import events
from forum.notify.emails import notify_by_email

REASON_MAX = 1000
NOTE_MAX = 5000


def _text(value: str | None, *, field: str, required: bool, what: str, limit: int = REASON_MAX
          ) -> str:
    text = str(clean_text(value or "")).strip()
    if required and not text:
        raise InvalidInput(f"Enter {what}", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer",
                           field=field)
    return text


def _reason(value: str | None, *, required: bool = True) -> str:
    return _text(value, field="reason", required=required, what="a reason")


def audit(actor: User | None, action: str, target_type: str, target_id: int | None, *,
          reason: str = "", before: str | None = None, after: str | None = None) -> AuditEntry:
    """Add an audit entry to the session (the caller commits with its change)."""
    entry = AuditEntry(actor_id=actor.id if actor else None, action=action,
                       target_type=target_type, target_id=target_id, reason=reason,
                       before=before, after=after, created_at=utcnow())
    db.session.add(entry)
    return entry


def _path(endpoint: str, fallback: str, **values) -> str:
    try:
        return url_for(endpoint, _external=False, **values)
    except (BuildError, RuntimeError):
        return fallback


def thread_path(thread_id: int, post_id: int | None = None) -> str:
    """A link kept in a notification or email: a post's permalink, which finds the page
    that shows it however long the thread grows (or the thread it is merged into)."""
    if post_id:
        return _path("discussions.permalink", f"/threads/{thread_id}/posts/{post_id}",
                     thread_id=thread_id, post_id=post_id)
    return _path("discussions.show_thread", f"/threads/{thread_id}", thread_id=thread_id)


# About the account itself: emailed whatever the member's preferences say.
ACCOUNT_KINDS = frozenset({"warning", "suspended", "suspension_lifted"})


def tell(user: User, *, kind: str, text: str, link: str, subject: str | None = None,
         email_text: str | None = None) -> None:
    """A notification on the site, and (with a subject) an email saying the same, unless
    the member chose not to get moderators' messages by email (forum.notify.preferences)."""
    events.tell_member(user.id, kind=kind, text=text, link=link)
    if subject:
        notify_by_email(user, kind="account" if kind in ACCOUNT_KINDS else "moderation",
                        text=text, body=email_text, link=link, subject=subject)


def _site() -> str:
    return current_app.config["SITE_NAME"]


def _search_post(post: Post) -> None:
    outbox.enqueue("search", {"kind": "post", "id": post.id})


def _search_thread(thread: Thread) -> None:
    outbox.enqueue("search", {"kind": "thread", "id": thread.id})


def _published_post_count(thread_id: int) -> int:
    """The thread's posts its board counts (see forum.discussions.counters)."""
    return db.session.scalar(
        select(func.count()).select_from(Post).where(Post.thread_id == thread_id,
                                                     counters.counted())
    ) or 0


def _opening_counted(thread_id: int) -> int:
    """1 when the thread's opening post is counted (so its board counts the thread), else 0."""
    return db.session.scalar(
        select(func.count()).select_from(Post).where(Post.thread_id == thread_id,
                                                     Post.is_opening.is_(True), counters.counted())
    ) or 0


def _refresh_board_latest(board: Board) -> None:
    """After a thread leaves a board, point its "latest" at what is now latest there."""
    latest = db.session.execute(
        select(Thread.id, Thread.last_activity_at)
        .where(Thread.board_id == board.id, Thread.merged_into_id.is_(None),
               Thread.pending.is_(False))
        .order_by(Thread.last_activity_at.desc()).limit(1)
    ).first()
    board.last_thread_id = latest.id if latest else None
    board.last_activity_at = latest.last_activity_at if latest else None


def _refresh_thread_activity(thread: Thread) -> None:
    last = db.session.scalar(
        select(func.max(Post.created_at)).where(Post.thread_id == thread.id,
                                                Post.pending.is_(False))
    )
    if last is not None:
        thread.last_activity_at = last
