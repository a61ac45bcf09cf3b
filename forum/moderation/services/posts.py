"""Moderators' actions on single posts: hide, restore, delete, and the approval queue for
posts held back (first posts, a patient-data check)."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from forum import outbox
from forum.db import utcnow
from forum.discussions import counters, held
from forum.discussions import services as discussions
from forum.discussions.models import Post, PostRevision, Thread
from forum.errors import InvalidInput
from forum.extensions import db
from forum.members.models import User
from forum.moderation import policy
from forum.moderation.guard import HOLD_EDIT
from forum.moderation.models import Report
from forum.moderation.services.common import (
    _reason,
    _refresh_thread_activity,
    _search_post,
    _search_thread,
    _site,
    audit,
    tell,
    thread_path,
)
from forum.notify import events


def _hide_post(actor: User | None, post: Post, reason: str) -> None:
    post.hidden_at = utcnow()
    post.hidden_by_id = actor.id if actor else None
    post.hidden_reason = reason
    audit(actor, "hide_post" if actor else "auto_hide_post", "post", post.id, reason=reason)
    _search_post(post)


def _tell_post_hidden(post: Post, reason: str) -> None:
    tell(post.author, kind="post_hidden",
         text=f"A moderator hid your post in “{post.thread.title}”. Reason: {reason}",
         link=thread_path(post.thread_id, post.id),
         subject=f"A moderator hid your post on {_site()}",
         email_text=(f"A moderator hid your post in the discussion “{post.thread.title}”.\n\n"
                     f"Reason: {reason}\n\nYou can still see your post and the reason on the "
                     f"discussion page."))


def hide_post(actor: User, post: Post, *, reason: str) -> Post:
    """Hide a post's text: its author sees it and why; others see "hidden by a moderator"."""
    policy.require_moderator(actor)
    reason = _reason(reason)
    if post.hidden_at is not None and post.hidden_by_id is not None:
        raise InvalidInput("This post is already hidden.")
    _hide_post(actor, post, reason)
    _tell_post_hidden(post, reason)
    db.session.commit()
    return post


def _unhide_post(actor: User, post: Post, reason: str) -> None:
    before = post.hidden_reason
    post.hidden_at = None
    post.hidden_by_id = None
    post.hidden_reason = ""
    audit(actor, "unhide_post", "post", post.id, reason=reason, before=before)
    _search_post(post)


def unhide_post(actor: User, post: Post, *, reason: str = "") -> Post:
    policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if post.hidden_at is None:
        raise InvalidInput("This post is not hidden.")
    _unhide_post(actor, post, reason)
    tell(post.author, kind="post_unhidden",
         text=f"A moderator restored your post in “{post.thread.title}”.",
         link=thread_path(post.thread_id, post.id))
    db.session.commit()
    return post


def delete_post_permanently(actor: User, post: Post, *, reason: str) -> None:
    """Admins only. The post's text is not copied into the audit log: it is often deleted
    because it identified a patient."""
    policy.require_admin(actor)
    reason = _reason(reason)
    if post.is_opening:
        raise InvalidInput("This is the opening post: delete the whole discussion instead.")
    thread = post.thread
    if counters.is_counted(post):
        counters.bump(thread, reply_count=-1)
        counters.bump(thread.board, post_count=-1)
        counters.bump(post.author, post_count=-1)
    post_id = post.id
    audit(actor, "delete_post", "post", post_id, reason=reason,
          before=f"Post by {post.author.display_name} in “{thread.title}” (thread {thread.id})",
          after="Deleted")
    db.session.execute(delete(PostRevision).where(PostRevision.post_id == post_id))
    db.session.execute(delete(Report).where(Report.post_id == post_id))
    db.session.execute(update(Post).where(Post.reply_to_id == post_id).values(reply_to_id=None)
                       .execution_options(synchronize_session=False))
    db.session.delete(post)
    db.session.flush()
    _refresh_thread_activity(thread)
    outbox.enqueue("search", {"kind": "post", "id": post_id})
    db.session.commit()
    db.session.expire_all()


def _claim_pending(post: Post) -> bool:
    """Publish in SQL first: of two moderators approving at once, one publishes (and counts)."""
    claimed = db.session.execute(
        update(Post).where(Post.id == post.id, Post.pending.is_(True))
        .values(pending=False, pending_reason="").execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(post, ["pending", "pending_reason"])
    return bool(claimed)


def approve_post(actor: User, post: Post) -> Post:
    """Publish a post that waited in the queue (first posts, or a patient-data check);
    an opening post publishes its thread."""
    policy.require_moderator(actor)
    reason = post.pending_reason
    if not _claim_pending(post):
        raise InvalidInput("This post is not waiting for approval.")
    if post.hidden_at is not None:  # rejected earlier; a moderator changed their mind
        post.hidden_at, post.hidden_by_id, post.hidden_reason = None, None, ""
    thread = post.thread
    if post.is_opening:
        thread.pending = False
        if thread.hidden_at is not None:
            thread.hidden_at, thread.hidden_by_id, thread.hidden_reason = None, None, ""
    if reason != HOLD_EDIT:
        discussions.publish_counters(post)
    audit(actor, "approve_post", "post", post.id, reason=reason)
    _search_published(post)
    # Followers and mentioned members hear of it now it is published (an edit that was
    # held: only members it newly mentions).
    (events.post_edited if reason == HOLD_EDIT else events.post_published)(post.id)
    released = _release_first_posts(actor, post.author) if reason == held.FIRST_POSTS else 0
    also = (f" {released} other post{'s' if released != 1 else ''} of yours that waited as a new "
            f"member {'is' if released == 1 else 'are'} published too." if released else "")
    tell(post.author, kind="post_approved",
         text=f"A moderator approved your post in “{thread.title}”: everyone can see it now.{also}",
         link=thread_path(thread.id, post.id))
    db.session.commit()
    return post


def _search_published(post: Post) -> None:
    if post.is_opening:
        _search_thread(post.thread)
    else:
        _search_post(post)


def _release_first_posts(actor: User, author: User) -> int:
    """Once a new member's first posts are approved, the others they wrote meanwhile (held
    only as first posts, not for a patient-data check) are published too: they no longer
    wait for the reason their label gave."""
    if held.first_posts_left(author) > 0:
        return 0
    waiting = list(db.session.scalars(
        select(Post).where(Post.author_id == author.id, Post.pending.is_(True),
                           Post.pending_reason == held.FIRST_POSTS, Post.hidden_at.is_(None),
                           Post.deleted_at.is_(None))
        .options(joinedload(Post.thread).joinedload(Thread.board)).order_by(Post.id)
    ))
    released = 0
    for post in waiting:
        if not _claim_pending(post):
            continue
        if post.is_opening:
            post.thread.pending = False
        discussions.publish_counters(post)
        audit(actor, "release_post", "post", post.id,
              reason="The member's first posts were approved")
        _search_published(post)
        events.post_published(post.id)
        released += 1
    return released


def reject_post(actor: User, post: Post, *, reason: str) -> Post:
    """Keep a waiting post from being published; its author is told why."""
    policy.require_moderator(actor)
    reason = _reason(reason)
    if not post.pending:
        raise InvalidInput("This post is not waiting for approval.")
    post.hidden_at = utcnow()
    post.hidden_by_id = actor.id
    post.hidden_reason = reason
    audit(actor, "reject_post", "post", post.id, reason=reason)
    if post.is_opening and post.thread.hidden_at is None:
        post.thread.hidden_at = post.hidden_at
        post.thread.hidden_by_id = actor.id
        post.thread.hidden_reason = reason
    tell(post.author, kind="post_rejected",
         text=f"A moderator did not publish your post in “{post.thread.title}”. Reason: {reason}",
         link=thread_path(post.thread_id, post.id),
         subject=f"Your post on {_site()} was not published")
    db.session.commit()
    return post
