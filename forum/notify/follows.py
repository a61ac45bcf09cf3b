"""Following: threads, and new discussions by board, alliance and profession.

A thread is followed automatically when a member starts it or replies to it (the discussion
services call forum.notify.events.follow_automatically; a QI write-up's team, with kind
"qi"). A write-up or an event is followed with `follow_target(actor, "qi" | "event", id)`:
fan-out finds its followers with `followers_of(kind, id)`. Alliance and profession follows
also match new events (`event_followers`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum.community.models import Alliance, Board, Profession
from forum.db import utcnow
from forum.discussions import policy
from forum.discussions.models import Thread, thread_professions
from forum.discussions.queries import is_pan_london
from forum.errors import InvalidInput, PermissionDenied
from forum.extensions import db
from forum.members.models import User
from forum.notify.models import Follow

THREAD = "thread"
DISCUSSIONS = "discussions"
EVENT = "event"
# Kinds followed by id: threads, QI write-ups and single events.
TARGET_KINDS = frozenset({THREAD, "qi", EVENT})


def _key(kind: str, target_id: int | None = None, board_id: int | None = None,
         alliance_id: int | None = None, profession_id: int | None = None):
    return and_(Follow.target_kind == kind,
                func.coalesce(Follow.target_id, 0) == (target_id or 0),
                func.coalesce(Follow.board_id, 0) == (board_id or 0),
                func.coalesce(Follow.alliance_id, 0) == (alliance_id or 0),
                func.coalesce(Follow.profession_id, 0) == (profession_id or 0))


def _find(user_id: int, kind: str, **ids: int | None) -> Follow | None:
    return db.session.scalar(select(Follow).where(Follow.user_id == user_id, _key(kind, **ids)))


def _require_member(actor: User) -> None:
    if not policy.is_member(actor):
        raise PermissionDenied("Your account cannot follow discussions at the moment.")


def _set(actor: User, kind: str, *, on: bool, **ids: int | None) -> Follow | None:
    """Follow (on) or stop following: one row per thing, kept when stopped."""
    for attempt in (1, 2):  # two clicks at once: the second finds the first's row
        row = _find(actor.id, kind, **ids)
        if row is None and not on:
            return None
        if row is None:
            row = Follow(user_id=actor.id, target_kind=kind, **ids)
            db.session.add(row)
        row.stopped_at = None if on else utcnow()
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
        else:
            break
    return row


def follow_thread(actor: User, thread: Thread, *, on: bool = True) -> Follow | None:
    _require_member(actor)
    if not policy.can_view_thread(actor, thread):
        raise PermissionDenied("You cannot follow this discussion.")
    return _set(actor, THREAD, on=on, target_id=thread.id)


def follow_target(actor: User, kind: str, target_id: int, *, on: bool = True) -> Follow | None:
    """Follow a QI write-up or an event (the caller checks the member may read it)."""
    if kind not in TARGET_KINDS:
        raise InvalidInput("That cannot be followed.")
    _require_member(actor)
    return _set(actor, kind, on=on, target_id=target_id)


def follow_discussions(actor: User, *, board: Board | None = None,
                       alliance: Alliance | None = None,
                       profession: Profession | None = None, on: bool = True) -> Follow | None:
    """New discussions on a board, for an alliance, for a profession, or any combination."""
    _require_member(actor)
    if board is None and alliance is None and profession is None:
        raise InvalidInput("Choose a board, an alliance or a profession to follow.", field="board")
    if board is not None and not policy.can_view_board(actor, board):
        raise PermissionDenied("You cannot follow this board.")
    return _set(actor, DISCUSSIONS, on=on, board_id=board.id if board else None,
                alliance_id=alliance.id if alliance else None,
                profession_id=profession.id if profession else None)


def stop_following(actor: User, follow_id: int) -> None:
    row = db.session.get(Follow, follow_id)
    if row is None or row.user_id != actor.id:
        raise PermissionDenied("That is not something you follow.")
    row.stopped_at = utcnow()
    db.session.commit()


# --- reads --------------------------------------------------------------------------------

def is_following_thread(user: User | None, thread: Thread) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    row = _find(user.id, THREAD, target_id=thread.id)
    return row is not None and row.stopped_at is None


def is_following_target(user: User | None, kind: str, target_id: int) -> bool:
    """A QI write-up or an event, for its Follow button."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    row = _find(user.id, kind, target_id=target_id)
    return row is not None and row.stopped_at is None


def following_discussions(user: User | None, *, board: Board | None = None,
                          alliance: Alliance | None = None,
                          profession: Profession | None = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    row = _find(user.id, DISCUSSIONS, board_id=board.id if board else None,
                alliance_id=alliance.id if alliance else None,
                profession_id=profession.id if profession else None)
    return row is not None and row.stopped_at is None


def follows_of(user: User) -> list[Follow]:
    """What the member follows, for the page that manages it (one query, any length)."""
    return list(db.session.scalars(
        select(Follow).where(Follow.user_id == user.id, Follow.stopped_at.is_(None))
        .options(joinedload(Follow.board), joinedload(Follow.alliance),
                 joinedload(Follow.profession))
        .order_by(Follow.target_kind, Follow.created_at.desc(), Follow.id.desc())))


def followed_threads(follows: Iterable[Follow]) -> dict[int, Thread]:
    """The threads among `follows`, with their boards, in one query."""
    ids = [f.target_id for f in follows if f.target_kind == THREAD and f.target_id]
    if not ids:
        return {}
    return {t.id: t for t in db.session.scalars(
        select(Thread).where(Thread.id.in_(ids)).options(joinedload(Thread.board)))}


def followers_of(kind: str, target_id: int) -> list[int]:
    return list(db.session.scalars(select(Follow.user_id).where(
        _key(kind, target_id=target_id), Follow.stopped_at.is_(None))))


def discussion_followers(thread: Thread) -> list[int]:
    """Members following new discussions that match the thread. A pan-London thread is for
    every alliance, so it reaches followers of any alliance."""
    professions = select(thread_professions.c.profession_id).where(
        thread_professions.c.thread_id == thread.id)
    alliance = (true() if is_pan_london(thread.alliance)
                else or_(Follow.alliance_id.is_(None), Follow.alliance_id == thread.alliance_id))
    return list(db.session.scalars(select(Follow.user_id).distinct().where(
        Follow.target_kind == DISCUSSIONS, Follow.stopped_at.is_(None),
        or_(Follow.board_id.is_(None), Follow.board_id == thread.board_id),
        alliance,
        or_(Follow.profession_id.is_(None), Follow.profession_id.in_(professions)))))


def event_followers(alliance_id: int | None, profession_ids: Iterable[int]) -> list[int]:
    """Members following an alliance or a profession (not a board: events are not on one)
    that match a new event. An event for all of London matches every alliance, one for no
    profession in particular every profession."""
    profession_ids = list(profession_ids)
    alliance = (true() if alliance_id is None
                else or_(Follow.alliance_id.is_(None), Follow.alliance_id == alliance_id))
    profession = (true() if not profession_ids
                  else or_(Follow.profession_id.is_(None), Follow.profession_id.in_(profession_ids)))
    return list(db.session.scalars(select(Follow.user_id).distinct().where(
        Follow.target_kind == DISCUSSIONS, Follow.stopped_at.is_(None), Follow.board_id.is_(None),
        or_(Follow.alliance_id.is_not(None), Follow.profession_id.is_not(None)),
        alliance, profession)))


def describe(follow: Follow, threads: dict[int, Thread]) -> str:
    """"New discussions for District nurses in South East London on Rehab and lymphoedema"."""
    if follow.target_kind == THREAD:
        thread = threads.get(follow.target_id or 0)
        return thread.title if thread else "A discussion no longer available"
    if follow.target_kind != DISCUSSIONS:
        return f"{follow.target_kind} {follow.target_id}"
    text = "New discussions"
    if follow.profession:
        text += f" for {follow.profession.name}"
    if follow.alliance:
        text += f" in {follow.alliance.name}"
    if follow.board:
        text += f" on {follow.board.name}"
    return text
