"""Notification emails: what every one carries (HTML and plain text, a footer saying why,
a link to preferences, one-click unsubscribe), and the batches that turn several
notifications within a few minutes into one email.

Emails are written as "email" outbox rows in the transaction that decides to send them,
so the outbox's guarantee holds: each is sent once, retried with back-off.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum import outbox
from forum.discussions import policy
from forum.discussions.models import Post, Thread
from forum.extensions import db
from forum.members.models import User
from forum.notify import preferences
from forum.notify.models import EmailSettings, Notification, OutboxMessage

SUBJECT_MAX = 150
STALE_BATCH = timedelta(hours=6)


def absolute(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def post_path(thread_id: int, post_id: int) -> str:
    """A post's permalink: it finds the page that shows the post however the thread grows."""
    from flask import url_for
    from werkzeug.routing import BuildError

    try:
        return url_for("discussions.permalink", thread_id=thread_id, post_id=post_id,
                       _external=False)
    except (BuildError, RuntimeError):  # the worker, without SERVER_NAME
        return f"/threads/{thread_id}/posts/{post_id}"


def site() -> str:
    return current_app.config["SITE_NAME"]


WHY = {
    "replies": "you follow the discussion",
    "mentions": "someone mentioned you",
    "new_discussions": "you follow new discussions like this one",
    "moderation": "a moderator acted on something you wrote or reported",
    "qi": "you follow this QI write-up",
    "events": "you follow this event, or new events for an alliance or profession",
    "account": "it is about your account",
    "digest": "you chose to get a digest of what you follow",
}


def queue_member_email(user: User, *, kind: str, subject: str, template: str,
                       settings: EmailSettings | None = None, **context) -> None:
    """Queue one email to `user` from `notify/email/<template>.txt` and `.html`.

    `kind` is an email kind (preferences.KINDS) or "account" (always sent, no unsubscribe).
    The caller has checked the member's preference, and commits.
    """
    unsubscribe = None
    headers: dict[str, str] = {}
    if kind in preferences.KINDS or kind == "digest":
        token = preferences.unsubscribe_token(user, "all" if kind == "digest" else kind,
                                              settings=settings)
        unsubscribe = absolute(f"/email/unsubscribe/{token}")
        headers = {"List-Unsubscribe": f"<{unsubscribe}>",
                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    context.update(user=user, site=site(), why=WHY.get(kind, WHY["account"]),
                   preferences_url=absolute("/notifications/preferences"),
                   unsubscribe_url=unsubscribe, kind=kind, subject=subject)
    outbox.enqueue("email", {
        "to": user.email,
        "subject": subject[:SUBJECT_MAX],
        "text": render_template(f"notify/email/{template}.txt", **context),
        "html": render_template(f"notify/email/{template}.html", **context),
        "headers": headers,
        "notice": kind != "account",  # not sent once the address has bounced too often
    })


def notify_by_email(user: User, *, kind: str, text: str, link: str, subject: str,
                    body: str | None = None) -> None:
    """A moderation notice by email, now, if the member wants it (the caller commits)."""
    settings = preferences.settings_for([user.id])[user.id]
    if kind != "account":
        if preferences.mode(settings, kind) == preferences.NEVER:
            return
        if not preferences.may_email(user, settings):
            return
    queue_member_email(user, kind=kind, subject=subject, template="notice",
                       text=body or text, link=absolute(link))


def schedule_batch(settings: EmailSettings, now: datetime) -> None:
    """Start the member's batch window unless one is open: what arrives in the next few
    minutes goes in the same email. (A window that never closed, its row given up after
    every retry, stops counting as open after STALE_BATCH.)"""
    if settings.batch_due_at is not None and settings.batch_due_at > now - STALE_BATCH:
        return
    due = now + preferences.batch_window()
    settings.batch_due_at = due
    message = outbox.enqueue("notify_email", {"user_id": settings.user_id})
    message.next_attempt_at = due


def _readable(user: User, notification: Notification, posts: dict[int, Post]) -> bool:
    post = posts.get(notification.post_id or 0)
    if post is None:
        return notification.post_id is None
    return policy.can_view_post(user, post) and policy.can_read_post_body(user, post)


def send_batches(messages: Sequence[OutboxMessage]) -> None:
    """Outbox handler for "notify_email": one email per member and kind, for the
    notifications queued in their window, each checked again that the member can still
    read it (a post hidden meanwhile is left out)."""
    user_ids = {m.payload["user_id"] for m in messages}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    queued = list(db.session.scalars(
        select(Notification).where(Notification.user_id.in_(user_ids),
                                   Notification.email_state == "queued")
        .order_by(Notification.id)))
    post_ids = {n.post_id for n in queued if n.post_id}
    posts = {p.id: p for p in db.session.scalars(
        select(Post).where(Post.id.in_(post_ids))
        .options(joinedload(Post.thread).joinedload(Thread.board), joinedload(Post.author)))}
    settings = preferences.settings_for(user_ids)
    for user_id in user_ids:
        row = db.session.get(EmailSettings, user_id)
        if row is not None:
            row.batch_due_at = None
    by_member: dict[tuple[int, str], list[Notification]] = {}
    for n in queued:
        n.email_state = "sent"
        user = users.get(n.user_id)
        if user is None or not _readable(user, n, posts):
            n.email_state = ""
            continue
        by_member.setdefault((n.user_id, preferences.email_kind(n.kind)), []).append(n)
    for (user_id, kind), notes in by_member.items():
        user, mine = users[user_id], settings[user_id]
        if not preferences.may_email(user, mine) or preferences.mode(mine, kind) != "immediately":
            continue
        items = [{"text": n.text, "url": absolute(n.link),
                  "excerpt": excerpt(posts[n.post_id]) if n.post_id in posts else ""}
                 for n in notes]
        subject = notes[0].text if len(notes) == 1 else f"{len(notes)} updates on {site()}"
        queue_member_email(user, kind=kind, subject=subject, template="batch", items=items,
                           settings=mine)


_BLOCK = re.compile(r"</?(?:p|br|li|ul|ol|h[1-6]|blockquote|pre|table|tr|td|th|hr)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


def excerpt(post: Post, limit: int = 280) -> str:
    """The first lines of a post as plain text (templates escape it): block tags become
    spaces, inline ones (bold, links) go, so "**stage 2**." reads "stage 2."."""
    text = " ".join(html.unescape(_TAG.sub("", _BLOCK.sub(" ", post.body_html))).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
