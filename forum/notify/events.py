"""What other domains call when something happens that members may be told about.

Each writes outbox rows (or a follow) into the caller's transaction and returns at once:
fan-out and email happen in the worker (forum.notify.fanout). This module imports nothing
of other domains, so discussions and moderation can call it without import cycles.
"""

from __future__ import annotations

from sqlalchemy import func, select

from forum import outbox
from forum.extensions import db
from forum.notify.models import Follow, Notification

THREAD = "thread"


def post_published(post_id: int) -> None:
    """A post everyone may now read: a reply, a new discussion, or one a moderator approved."""
    outbox.enqueue("notify", {"event": "post", "post_id": post_id})


def post_edited(post_id: int) -> None:
    """An edited post: anyone it now mentions (and did not before) is told."""
    outbox.enqueue("notify", {"event": "edited", "post_id": post_id})


def follow_automatically(user_id: int, thread_id: int) -> None:
    """Starting or replying follows the thread, unless the member chose to stop following it
    (the row is kept with `stopped_at`, so it is found here and left alone)."""
    exists = db.session.scalar(select(Follow.id).where(
        Follow.user_id == user_id, Follow.target_kind == THREAD, Follow.target_id == thread_id,
        func.coalesce(Follow.board_id, 0) == 0, func.coalesce(Follow.alliance_id, 0) == 0,
        func.coalesce(Follow.profession_id, 0) == 0))
    if exists is None:
        db.session.add(Follow(user_id=user_id, target_kind=THREAD, target_id=thread_id))


def tell_member(user_id: int, *, kind: str, text: str, link: str) -> Notification:
    """An in-app notification written with the change it reports (the caller commits)."""
    note = Notification(user_id=user_id, kind=kind, text=text, link=link)
    db.session.add(note)
    return note
