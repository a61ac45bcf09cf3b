"""Who may see and do what in discussions: every rule in one place.

Views use these to refuse, templates to show or hide a button, services to refuse again,
and every listing (threads, posts, search results, profiles) goes through
`visible_threads` / `visible_posts`.

`viewer` is a User, Flask-Login's anonymous user, or None (a visitor).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, func, or_, select, true

from forum.community.models import Board
from forum.discussions.models import Post, Thread
from forum.members.models import Status, User

LOCKED_MESSAGE = "This discussion is locked, so no one can reply."


def _user(viewer: Any) -> User | None:
    """The signed-in User behind `viewer`, or None for a visitor."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return viewer


def is_moderator(viewer: Any) -> bool:
    user = _user(viewer)
    return bool(user and user.is_moderator and user.status == Status.ACTIVE)


def is_member(viewer: Any) -> bool:
    """An active member: can read members-only boards and write. Suspended members cannot."""
    user = _user(viewer)
    return bool(user and user.status == Status.ACTIVE)


# --- single objects -----------------------------------------------------------------------

def can_view_board(viewer: Any, board: Board) -> bool:
    return not board.members_only or is_member(viewer)


def can_view_thread(viewer: Any, thread: Thread) -> bool:
    if not can_view_board(viewer, thread.board):
        return False
    if is_moderator(viewer):
        return True
    if thread.hidden_at is None and not thread.pending:
        return True
    user = _user(viewer)
    return bool(user and thread.author_id == user.id)


def can_view_post(viewer: Any, post: Post) -> bool:
    """Whether the post appears at all (hidden ones appear as a notice; pending ones do not)."""
    if not can_view_thread(viewer, post.thread):
        return False
    if not post.pending or is_moderator(viewer):
        return True
    user = _user(viewer)
    return bool(user and post.author_id == user.id)


def can_read_post_body(viewer: Any, post: Post) -> bool:
    """Whether the post's text is shown (not hidden from this viewer, not deleted)."""
    if post.deleted_at is not None:
        return False
    return post.hidden_at is None or is_moderator(viewer) or _is_author(viewer, post)


def can_mark_board_read(viewer: Any, board: Board) -> bool:
    """Anyone signed in keeps a reading state on the boards they can read."""
    return _user(viewer) is not None and can_view_board(viewer, board)


def can_start_thread(viewer: Any, board: Board) -> bool:
    """A board an organiser retired keeps its threads but takes no new ones."""
    return board.retired_at is None and is_member(viewer) and can_view_board(viewer, board)


def can_reply(viewer: Any, thread: Thread) -> bool:
    """Active members on a thread they can see; a locked thread only takes moderators' replies."""
    if not is_member(viewer) or not can_view_thread(viewer, thread):
        return False
    if thread.merged_into_id is not None:
        return False
    if thread.hidden_at is not None and not is_moderator(viewer):
        return False
    return not thread.locked or is_moderator(viewer)


def reply_refusal(viewer: Any, thread: Thread) -> str | None:
    """Why `viewer` may not reply, in plain English, or None if they may."""
    if can_reply(viewer, thread):
        return None
    if thread.locked and is_member(viewer):
        reason = f" {thread.lock_reason}" if thread.lock_reason else ""
        return LOCKED_MESSAGE + reason
    if thread.merged_into_id is not None:
        return "This discussion was merged into another one. Reply there instead."
    if _user(viewer) is not None and not is_member(viewer):
        return "Your account cannot post at the moment."
    return "You cannot reply to this discussion."


def post_reply_refusal(viewer: Any, post: Post, *, thread_allows: bool | None = None) -> str | None:
    """Why `viewer` may not reply under `post`, or None if they may: the thread must take
    their reply, and the post must be one they can see that is neither deleted nor hidden.
    A post waiting for a moderator takes replies only from its author. The thread page passes
    `thread_allows` (can_reply, worked out once) so each post adds no thread checks."""
    if thread_allows is None:
        if (refusal := reply_refusal(viewer, post.thread)) is not None:
            return refusal
    elif not thread_allows:
        return reply_refusal(viewer, post.thread) or "You cannot reply to this discussion."
    if post.deleted_at is not None:
        return "This post was deleted by its author, so it cannot take replies."
    if post.hidden_at is not None:
        return "This post was hidden by a moderator, so it cannot take replies."
    if not can_view_post(viewer, post):
        return "That post cannot be replied to."
    if post.pending and not _is_author(viewer, post):
        return "This post is waiting for a moderator, so it cannot take replies yet."
    return None


def can_reply_to_post(viewer: Any, post: Post, thread_allows: bool | None = None) -> bool:
    """Whether to offer (and accept) a reply under `post`: see post_reply_refusal."""
    return post_reply_refusal(viewer, post, thread_allows=thread_allows) is None


def can_edit_post(viewer: Any, post: Post) -> bool:
    """Authors edit their own posts (not once deleted or hidden, nor in a locked thread)."""
    if post.deleted_at is not None:
        return False
    if is_moderator(viewer):
        return can_view_thread(viewer, post.thread)
    user = _user(viewer)
    if not user or not is_member(user) or post.author_id != user.id:
        return False
    return post.hidden_at is None and not post.thread.locked


def can_delete_post(viewer: Any, post: Post) -> bool:
    """Only authors delete (softly); moderators hide instead, which leaves a trail."""
    if post.deleted_at is not None:
        return False
    user = _user(viewer)
    return bool(user and is_member(user) and post.author_id == user.id)


def can_see_history(viewer: Any, post: Post) -> bool:
    return can_view_post(viewer, post) and can_read_post_body(viewer, post)


def _is_author(viewer: Any, post: Post) -> bool:
    user = _user(viewer)
    return bool(user and post.author_id == user.id)


# --- listings -----------------------------------------------------------------------------

def _board_clause(viewer: Any):
    if is_member(viewer):
        return true()
    return Thread.board_id.in_(select(Board.id).where(Board.members_only.is_(False)))


def thread_clause(viewer: Any):
    """The where-clause every list of threads uses."""
    # "Not merged" is written as an expression, not `IS NULL`: on SQLite an index on
    # merged_into_id would otherwise be chosen (nearly every row matches) and the listing
    # index that serves ORDER BY pinned, last_activity_at ... LIMIT would go unused.
    clauses = [func.coalesce(Thread.merged_into_id, 0) == 0, _board_clause(viewer)]
    if not is_moderator(viewer):
        shown = and_(Thread.hidden_at.is_(None), Thread.pending.is_(False))
        user = _user(viewer)
        clauses.append(or_(shown, Thread.author_id == user.id) if user else shown)
    return and_(*clauses)


def visible_threads(stmt: Select, viewer: Any) -> Select:
    """Narrow a select over Thread to what `viewer` may see listed."""
    return stmt.where(thread_clause(viewer))


def post_clause(viewer: Any):
    """Posts as listed outside their thread (search, profiles): readable, not deleted."""
    return and_(post_shown_clause(viewer),
                Post.thread_id.in_(select(Thread.id).where(thread_clause(viewer))))


def post_shown_clause(viewer: Any):
    """The post's own part of post_clause, for a read whose threads already passed
    thread_clause (a feed's opening posts): not deleted, and not hidden or waiting unless
    the viewer moderates or wrote it."""
    clauses = [Post.deleted_at.is_(None)]
    if not is_moderator(viewer):
        user = _user(viewer)
        shown = and_(Post.hidden_at.is_(None), Post.pending.is_(False))
        clauses.append(or_(shown, Post.author_id == user.id) if user else shown)
    return and_(*clauses)


def visible_posts(stmt: Select, viewer: Any) -> Select:
    """Narrow a select over Post to what `viewer` may see listed (search, recent posts)."""
    return stmt.where(post_clause(viewer))


def in_thread_clause(viewer: Any):
    """Posts shown on a thread page the viewer can open: pending ones only to moderators and
    their author; hidden and deleted ones stay in the tree as a notice."""
    if is_moderator(viewer):
        return true()
    user = _user(viewer)
    if user is None:
        return Post.pending.is_(False)
    return or_(Post.pending.is_(False), Post.author_id == user.id)
