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


def writeup_event(writeup_id: int, what: str, *, actor_id: int,
                  replica_id: int | None = None) -> None:
    """Something a QI write-up's followers hear of: "revised" (a new published revision),
    "tried" (a "We tried this"), "replicated" (a replica was published; `replica_id`)."""
    outbox.enqueue("notify", {"event": "qi", "what": what, "writeup_id": writeup_id,
                              "actor_id": actor_id, "replica_id": replica_id})


def event_published(event_id: int, *, actor_id: int) -> None:
    """A new event members following its alliance or a profession it is for may hear of."""
    outbox.enqueue("notify", {"event": "event_published", "event_id": event_id,
                              "actor_id": actor_id})


EVENT_CHANGES = ("changed", "cancelled", "materials")


def event_changed(event_id: int, what: str, *, actor_id: int) -> None:
    """Something the followers of one event hear of: "changed" (its time, place or link),
    "cancelled", or "materials" (its recording or slides were added)."""
    outbox.enqueue("notify", {"event": "event_changed", "what": what, "event_id": event_id,
                              "actor_id": actor_id})


def follow_automatically(user_id: int, target_id: int, *, kind: str = THREAD) -> None:
    """Starting or replying follows the thread (joining a QI write-up's team follows it,
    kind "qi"), unless the member chose to stop following it (the row is kept with
    `stopped_at`, so it is found here and left alone)."""
    exists = db.session.scalar(select(Follow.id).where(
        Follow.user_id == user_id, Follow.target_kind == kind, Follow.target_id == target_id,
        func.coalesce(Follow.board_id, 0) == 0, func.coalesce(Follow.alliance_id, 0) == 0,
        func.coalesce(Follow.profession_id, 0) == 0))
    if exists is None:
        db.session.add(Follow(user_id=user_id, target_kind=kind, target_id=target_id))


def tell_member(user_id: int, *, kind: str, text: str, link: str) -> Notification:
    """An in-app notification written with the change it reports (the caller commits)."""
    note = Notification(user_id=user_id, kind=kind, text=text, link=link)
    db.session.add(note)
    return note
