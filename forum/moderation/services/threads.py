"""Moderators' actions on whole discussions: pin, lock, slow mode, title, move, hide, merge,
split and delete."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select, update

from forum import outbox
from forum.community.models import Alliance, Board, Profession
from forum.db import utcnow
from forum.discussions import counters
from forum.discussions import services as discussions
from forum.discussions.models import Post, Thread
from forum.discussions.queries import PAN_LONDON_NAME
from forum.errors import InvalidInput
from forum.extensions import db
from forum.members.models import User
from forum.moderation import policy
from forum.moderation.services.common import (
    _opening_counted,
    _published_post_count,
    _reason,
    _refresh_board_latest,
    _refresh_thread_activity,
    _search_thread,
    _site,
    audit,
    tell,
    thread_path,
)


def pin_thread(actor: User, thread: Thread, *, reason: str = "") -> Thread:
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if not thread.pinned:
        thread.pinned = True
        audit(actor, "pin_thread", "thread", thread.id, reason=reason)
        db.session.commit()
    return thread


def unpin_thread(actor: User, thread: Thread, *, reason: str = "") -> Thread:
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if thread.pinned:
        thread.pinned = False
        audit(actor, "unpin_thread", "thread", thread.id, reason=reason)
        db.session.commit()
    return thread


def _lock(actor: User, thread: Thread, reason: str) -> None:
    before = thread.lock_reason if thread.locked else None
    thread.locked = True
    thread.lock_reason = reason
    audit(actor, "lock_thread", "thread", thread.id, reason=reason, before=before, after=reason)


def lock_thread(actor: User, thread: Thread, *, reason: str) -> Thread:
    """Stop replies; the thread shows why."""
    policy.require_moderator(actor)
    _lock(actor, thread, _reason(reason))
    db.session.commit()
    return thread


def unlock_thread(actor: User, thread: Thread, *, reason: str = "") -> Thread:
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if thread.locked:
        before = thread.lock_reason
        thread.locked = False
        thread.lock_reason = ""
        audit(actor, "unlock_thread", "thread", thread.id, reason=reason, before=before, after="")
        db.session.commit()
    return thread


def set_slow_mode(actor: User, thread: Thread, *, minutes: int, reason: str = "") -> Thread:
    """One post per member per `minutes` in this thread; 0 turns slow mode off."""
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if not isinstance(minutes, int) or not 0 <= minutes <= policy.SLOW_MODE_MAX_MINUTES:
        raise InvalidInput(f"Enter a number of minutes from 0 to {policy.SLOW_MODE_MAX_MINUTES}",
                           field="minutes")
    if minutes != thread.slow_mode_minutes:
        before = thread.slow_mode_minutes
        thread.slow_mode_minutes = minutes
        audit(actor, "set_slow_mode", "thread", thread.id, reason=reason,
              before=str(before), after=str(minutes))
        db.session.commit()
    return thread


def edit_title(actor: User, thread: Thread, *, title: str, reason: str = "") -> Thread:
    policy.require_moderator(actor)
    title = discussions.clean_title(title)
    reason = _reason(reason, required=False)
    if title != thread.title:
        before = thread.title
        thread.title = title
        audit(actor, "edit_title", "thread", thread.id, reason=reason, before=before, after=title)
        _search_thread(thread)
        db.session.commit()
    return thread


def _placement(thread: Thread) -> str:
    alliance = thread.alliance.name if thread.alliance else PAN_LONDON_NAME
    tags = ", ".join(p.name for p in thread.professions) or "none"
    return f"Board: {thread.board.name}; alliance: {alliance}; professions: {tags}"


def move_thread(actor: User, thread: Thread, *, board: Board, alliance: Alliance | None,
                professions: Sequence[Profession] = (), reason: str = "") -> Thread:
    """Put a thread on another board, alliance or set of profession tags."""
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    before = _placement(thread)
    old_board = thread.board
    if board.id != old_board.id:
        count, opening = _published_post_count(thread.id), _opening_counted(thread.id)
        counters.bump(old_board, thread_count=-opening, post_count=-count)
        counters.bump(board, thread_count=opening, post_count=count,
                      active_at=thread.last_activity_at if opening else None,
                      latest_thread_id=thread.id)
        thread.board = board
        db.session.flush()
        if old_board.last_thread_id == thread.id:
            _refresh_board_latest(old_board)
    thread.alliance = alliance
    thread.professions = list(dict.fromkeys(professions))
    after = _placement(thread)
    if after != before:
        audit(actor, "move_thread", "thread", thread.id, reason=reason, before=before, after=after)
        _search_thread(thread)
    db.session.commit()
    return thread


def _hide_thread(actor: User, thread: Thread, reason: str) -> None:
    thread.hidden_at = utcnow()
    thread.hidden_by_id = actor.id
    thread.hidden_reason = reason
    audit(actor, "hide_thread", "thread", thread.id, reason=reason)
    _search_thread(thread)


def hide_thread(actor: User, thread: Thread, *, reason: str) -> Thread:
    """Hide a whole discussion; its author is told why, others see nothing of it."""
    policy.require_moderator(actor)
    reason = _reason(reason)
    if thread.hidden_at is not None:
        raise InvalidInput("This discussion is already hidden.")
    _hide_thread(actor, thread, reason)
    tell(thread.author, kind="thread_hidden",
         text=f"A moderator hid your discussion “{thread.title}”. Reason: {reason}",
         link=thread_path(thread.id), subject=f"A moderator hid your discussion on {_site()}")
    db.session.commit()
    return thread


def unhide_thread(actor: User, thread: Thread, *, reason: str = "") -> Thread:
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if thread.hidden_at is None:
        raise InvalidInput("This discussion is not hidden.")
    before = thread.hidden_reason
    thread.hidden_at = None
    thread.hidden_by_id = None
    thread.hidden_reason = ""
    audit(actor, "unhide_thread", "thread", thread.id, reason=reason, before=before)
    _search_thread(thread)
    tell(thread.author, kind="thread_unhidden",
         text=f"A moderator restored your discussion “{thread.title}”.",
         link=thread_path(thread.id), subject=f"Your discussion on {_site()} is back")
    db.session.commit()
    return thread


def merge_thread(actor: User, source: Thread, target: Thread, *, reason: str = "") -> Thread:
    """Move every post of `source` into `target`, keeping order and reply tree; `source`
    then only points (and redirects) to `target`."""
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if source.id == target.id:
        raise InvalidInput("Choose a different discussion to merge into", field="target")
    if source.merged_into_id is not None or target.merged_into_id is not None:
        raise InvalidInput("That discussion has already been merged into another one",
                           field="target")
    moved, opening = _published_post_count(source.id), _opening_counted(source.id)
    db.session.execute(update(Post).where(Post.thread_id == source.id)
                       .values(thread_id=target.id, is_opening=False)
                       .execution_options(synchronize_session=False))
    active_at, target_counted = source.last_activity_at, _opening_counted(target.id)
    counters.bump(target, reply_count=moved, active_at=active_at)
    counters.bump(source.board, thread_count=-opening, post_count=-moved)
    counters.bump(target.board, post_count=moved,
                  active_at=active_at if target_counted else None, latest_thread_id=target.id)
    source.reply_count = 0
    source.merged_into_id = target.id
    # Threads merged into `source` earlier now lead straight to `target` (one redirect).
    db.session.execute(update(Thread).where(Thread.merged_into_id == source.id)
                       .values(merged_into_id=target.id)
                       .execution_options(synchronize_session=False))
    db.session.flush()
    if source.board.last_thread_id == source.id:
        _refresh_board_latest(source.board)
    audit(actor, "merge_thread", "thread", source.id, reason=reason,
          before=source.title, after=f"Merged into “{target.title}” (thread {target.id})")
    audit(actor, "merge_into_thread", "thread", target.id, reason=reason,
          after=f"Received the posts of “{source.title}” (thread {source.id})")
    _search_thread(source)
    _search_thread(target)
    db.session.commit()
    db.session.expire_all()
    return target


def split_thread(actor: User, thread: Thread, posts: Sequence[Post], *, title: str,
                 reason: str = "") -> Thread:
    """Move chosen replies into a new discussion: the earliest becomes its opening post."""
    policy.require_moderator(actor)
    title = discussions.clean_title(title)
    reason = _reason(reason, required=False)
    chosen = sorted({p.id: p for p in posts}.values(), key=lambda p: (p.created_at, p.id))
    if not chosen:
        raise InvalidInput("Choose at least one reply to move", field="posts")
    if any(p.thread_id != thread.id for p in chosen):
        raise InvalidInput("Choose replies from this discussion only", field="posts")
    if any(p.is_opening for p in chosen):
        raise InvalidInput("The opening post stays with its discussion: choose replies only",
                           field="posts")
    ids = {p.id for p in chosen}
    first = chosen[0]
    published = [p for p in chosen if counters.is_counted(p)]
    new = Thread(board=thread.board, alliance=thread.alliance, author=first.author, title=title,
                 created_at=first.created_at, last_activity_at=chosen[-1].created_at,
                 professions=list(thread.professions), pending=first.pending,
                 reply_count=len([p for p in published if p is not first]))
    db.session.add(new)
    db.session.flush()
    for post in chosen:
        post.thread_id = new.id
        if post.reply_to_id not in ids:
            post.reply_to_id = None
    first.is_opening = True
    first.reply_to_id = None
    # Replies left behind that answered a moved post now answer the thread itself.
    db.session.execute(update(Post).where(Post.thread_id == thread.id, Post.reply_to_id.in_(ids))
                       .values(reply_to_id=None).execution_options(synchronize_session=False))
    db.session.flush()
    counters.bump(thread, reply_count=-len(published))
    _refresh_thread_activity(thread)
    counters.bump(thread.board, thread_count=int(counters.is_counted(first)))
    audit(actor, "split_thread", "thread", thread.id, reason=reason,
          after=f"Moved {len(chosen)} repl{'y' if len(chosen) == 1 else 'ies'} to “{title}” "
                f"(thread {new.id})")
    audit(actor, "split_into_thread", "thread", new.id, reason=reason, after=title)
    _search_thread(thread)
    _search_thread(new)
    db.session.commit()
    return new


def delete_thread_permanently(actor: User, thread: Thread, *, reason: str) -> None:
    """Admins only: the thread and every post in it are gone for good."""
    policy.require_admin(actor)
    reason = _reason(reason)
    post_ids = list(db.session.scalars(select(Post.id).where(Post.thread_id == thread.id)))
    per_author = db.session.execute(
        select(Post.author_id, func.count()).where(Post.thread_id == thread.id,
                                                   counters.counted())
        .group_by(Post.author_id).order_by(Post.author_id)
    ).all()
    board = thread.board
    counters.bump(board, thread_count=-_opening_counted(thread.id),
                  post_count=-sum(n for _, n in per_author))
    for author_id, n in per_author:
        counters.bump(db.session.get(User, author_id), post_count=-n)
    audit(actor, "delete_thread", "thread", thread.id, reason=reason, before=thread.title,
          after=f"Deleted with {len(post_ids)} post{'s' if len(post_ids) != 1 else ''}")
    # Empty shells of threads merged into this one go too; their posts already moved here.
    shells = list(db.session.scalars(select(Thread.id).where(Thread.merged_into_id == thread.id)))
    db.session.execute(delete(Post).where(Post.thread_id == thread.id)
                       .execution_options(synchronize_session=False))
    if shells:
        db.session.execute(delete(Thread).where(Thread.id.in_(shells))
                           .execution_options(synchronize_session=False))
    thread_id = thread.id
    db.session.delete(thread)
    db.session.flush()
    if board.last_thread_id in (None, thread_id):
        _refresh_board_latest(board)
    for post_id in post_ids:
        outbox.enqueue("search", {"kind": "post", "id": post_id})
    outbox.enqueue("search", {"kind": "thread", "id": thread_id})
    db.session.commit()
    db.session.expire_all()
