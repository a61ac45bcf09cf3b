"""Starting, replying to, editing and deleting discussions.

Each service checks policy, changes state, keeps the counters lists show, writes outbox
rows for search, and commits once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, literal, select
from sqlalchemy.exc import IntegrityError

from forum import outbox
from forum.community.models import Alliance, Board, Profession
from forum.db import UTCDateTime, utcnow
from forum.discussions import counters, held, policy
from forum.discussions.models import Draft, Post, PostRevision, Thread, ThreadRead
from forum.errors import InvalidInput, PermissionDenied
from forum.extensions import db
from forum.forms import clean_text
from forum.markup import MAX_SOURCE, TooComplex, as_plain_text, problem
from forum.members.models import User
from forum.notify import events
from forum.notify.mentions import render_post

TITLE_MAX = 200
BODY_MAX = MAX_SOURCE
PENDING_REASON = held.FIRST_POSTS
# A post stamped this long before an autosave was asked for may still have been committing
# then (see save_draft): it stamps its time a few milliseconds before it commits.
DRAFT_RACE = timedelta(seconds=1)


# --- input --------------------------------------------------------------------------------

def clean_title(title: str) -> str:
    title = " ".join(str(clean_text(title or "")).split())
    if not title:
        raise InvalidInput("Enter a title", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"Title must be {TITLE_MAX} characters or fewer", field="title")
    return title


def clean_body(body: str) -> str:
    body = str(clean_text(body or "")).strip()
    if not body:
        raise InvalidInput("Enter your message", field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(f"Message must be {BODY_MAX:,} characters or fewer", field="body")
    if message := problem(body):  # what rendering may cost is bounded (forum.markup)
        raise InvalidInput(message, field="body")
    return body


def needs_premoderation(author: User) -> bool:
    """New members' first posts wait for a moderator (PREMODERATE_FIRST_POSTS of them)."""
    return held.first_posts_left(author) > 0


# --- counters -----------------------------------------------------------------------------

def publish_counters(post: Post) -> None:
    """Count a post that others can now see: thread, board and author counters, in SQL
    (forum.discussions.counters). Called for posts published at once, and by moderation when
    it approves a pending post (the caller commits)."""
    counters.publish(post)


def _revision(post: Post, editor: User, title: str | None) -> PostRevision:
    revision = PostRevision(post_id=post.id, number=post.revision_count, editor=editor, title=title,
                            body_source=post.body_source, body_html=post.body_html)
    db.session.add(revision)
    return revision


# --- services -----------------------------------------------------------------------------

def start_thread(actor: User, *, board: Board, title: str, body: str,
                 alliance: Alliance | None = None,
                 professions: Sequence[Profession] = (), hold: str = "") -> Thread:
    """Open a discussion: the thread and its opening post (revision 1).

    `hold` (from forum.moderation.guard) keeps it pending for a moderator with that reason.
    """
    if not policy.can_start_thread(actor, board):
        raise PermissionDenied("You cannot start a discussion on this board.")
    title, body = clean_title(title), clean_body(body)
    now = utcnow()
    pending = bool(hold) or needs_premoderation(actor)
    thread = Thread(board=board, alliance=alliance, author=actor, title=title,
                    created_at=now, last_activity_at=now, pending=pending,
                    professions=list(dict.fromkeys(professions)))
    post = Post(thread=thread, author=actor, is_opening=True, body_source=body,
                body_html=render_post(body), created_at=now, revision_count=1, pending=pending,
                pending_reason=(hold or PENDING_REASON) if pending else "")
    db.session.add_all([thread, post])
    db.session.flush()
    _revision(post, actor, title)
    if not pending:
        publish_counters(post)
        events.post_published(post.id)
    events.follow_automatically(actor.id, thread.id)
    outbox.enqueue("search", {"kind": "thread", "id": thread.id})
    _discard_draft(actor, None)
    db.session.commit()
    return thread


def reply_to_thread(actor: User, thread: Thread, *, body: str,
                    reply_to: Post | None = None, hold: str = "") -> Post:
    """Reply to the thread, or to one of its posts (the discussion is a tree)."""
    if (refusal := policy.reply_refusal(actor, thread)) is not None:
        raise PermissionDenied(refusal)
    if reply_to is not None:
        if reply_to.thread_id != thread.id:
            raise InvalidInput("You can only reply to a post in this discussion.", field="reply_to")
        # Deleted and hidden posts take no replies (the author and moderators still read them).
        if (refusal := policy.post_reply_refusal(actor, reply_to, thread_allows=True)):
            raise InvalidInput(refusal, field="reply_to")
    body = clean_body(body)
    _check_slow_mode(actor, thread)
    now = utcnow()
    pending = bool(hold) or needs_premoderation(actor)
    post = Post(thread=thread, author=actor, reply_to=reply_to, body_source=body,
                body_html=render_post(body), created_at=now, revision_count=1, pending=pending,
                pending_reason=(hold or PENDING_REASON) if pending else "")
    db.session.add(post)
    db.session.flush()
    _revision(post, actor, None)
    if not pending:
        publish_counters(post)
        events.post_published(post.id)
    events.follow_automatically(actor.id, thread.id)
    outbox.enqueue("search", {"kind": "post", "id": post.id})
    _discard_draft(actor, thread)
    db.session.commit()
    return post


def _check_slow_mode(actor: User, thread: Thread) -> None:
    """In slow mode a member posts at most once every N minutes in the thread (the rule
    lives in forum.moderation.policy, which also tells the thread page)."""
    from forum.moderation.policy import slow_mode_message, slow_mode_wait

    if wait := slow_mode_wait(actor, thread):
        raise InvalidInput(slow_mode_message(thread, wait), field="body")


def edit_post(actor: User, post: Post, *, body: str, title: str | None = None,
              hold: str = "") -> Post:
    """Change a post (and, for the opening post, the thread's title); keeps every revision.

    `hold` (from forum.moderation.guard) puts the post back in the moderation queue.
    """
    if not policy.can_edit_post(actor, post):
        raise PermissionDenied("You can only edit your own posts.")
    body = clean_body(body)
    thread = post.thread
    new_title = clean_title(title) if title is not None and post.is_opening else None
    title_changed = new_title is not None and new_title != thread.title
    if body == post.body_source and not title_changed:
        return post
    if actor.id != post.author_id:
        _audit_moderator_edit(actor, post, body=body, title=new_title if title_changed else None)
    post.body_source = body
    post.body_html = render_post(body)
    post.edited_at = utcnow()
    counters.bump(post, revision_count=1)  # two tabs saving at once get numbers of their own
    if title_changed:
        thread.title = new_title  # type: ignore[assignment]
    if hold:
        post.pending, post.pending_reason = True, hold
        if post.is_opening:
            thread.pending = True
    _revision(post, actor, thread.title if post.is_opening else None)
    if not post.pending:
        events.post_edited(post.id)
    if title_changed or (hold and post.is_opening):
        outbox.enqueue("search", {"kind": "thread", "id": thread.id})
    else:
        outbox.enqueue("search", {"kind": "post", "id": post.id})
    db.session.commit()
    return post


def _audit_moderator_edit(actor: User, post: Post, *, body: str, title: str | None) -> None:
    """A moderator changing someone else's words is a moderation action: it is audited."""
    from forum.moderation.services.common import audit

    if body != post.body_source:
        audit(actor, "edit_post", "post", post.id, before=post.body_source, after=body)
    if title is not None:
        audit(actor, "edit_title", "thread", post.thread_id, before=post.thread.title, after=title)


def delete_post(actor: User, post: Post) -> Post:
    """Soft delete: the post stays in the tree as "deleted by its author"."""
    if not policy.can_delete_post(actor, post):
        raise PermissionDenied("You can only delete your own posts.")
    post.deleted_at = utcnow()
    outbox.enqueue("search", {"kind": "post", "id": post.id})
    db.session.commit()
    return post


def _upsert_reads(rows):
    """INSERT (from `rows`: values or a select) ... ON CONFLICT that only moves a mark forward,
    so two tabs racing cannot move it back or collide on the insert."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = rows(insert(ThreadRead))
    return db.session.execute(stmt.on_conflict_do_update(
        index_elements=[ThreadRead.user_id, ThreadRead.thread_id],
        set_={"last_read_post_id": stmt.excluded.last_read_post_id,
              "updated_at": stmt.excluded.updated_at},
        where=ThreadRead.last_read_post_id < stmt.excluded.last_read_post_id,
    ))


def mark_thread_read(reader: User, thread: Thread, *, up_to: int) -> None:
    """Remember that `reader` has read `thread` up to post `up_to`.

    One upsert; the page calls this only when the mark changes.
    """
    now = utcnow()
    _upsert_reads(lambda insert: insert.values(
        user_id=reader.id, thread_id=thread.id, last_read_post_id=up_to, first_read_at=now,
        updated_at=now))
    db.session.commit()


def mark_board_read(reader: User, board: Board) -> None:
    """"Mark all as read": every thread on the board the reader may see, read up to its newest
    post they may see, in one statement whatever the board's size.

    Only posts the reader can see count: a reply still waiting for a moderator stays unread
    for them once it is published, as it would have if they had opened the thread.
    """
    if not policy.can_mark_board_read(reader, board):
        raise PermissionDenied("You cannot mark this board as read.")
    now = literal(utcnow(), UTCDateTime())
    newest = (
        select(literal(reader.id), Post.thread_id, func.max(Post.id), now, now)
        .where(Post.thread_id.in_(select(Thread.id).where(Thread.board_id == board.id,
                                                          policy.thread_clause(reader))),
               policy.in_thread_clause(reader))
        .group_by(Post.thread_id)
    )
    _upsert_reads(lambda insert: insert.from_select(
        ["user_id", "thread_id", "last_read_post_id", "first_read_at", "updated_at"], newest))
    db.session.commit()


def rerender_posts(*, batch_size: int = 500) -> int:
    """Rebuild every post's and revision's HTML from its source, after the allow-list changes.

    Commits per batch (not once) so a large forum is never held in one transaction; posts
    whose HTML changed are queued for search. Returns how many rows changed.
    """
    changed = 0
    for model in (Post, PostRevision):
        last_id = 0
        while rows := list(db.session.scalars(
                select(model).where(model.id > last_id).order_by(model.id).limit(batch_size))):
            for row in rows:
                try:
                    html = render_post(row.body_source)
                except TooComplex:  # saved before the limits: shown as written
                    html = as_plain_text(row.body_source)
                if html != row.body_html:
                    row.body_html = html
                    changed += 1
                    if model is Post:
                        outbox.enqueue("search", {"kind": "post", "id": row.id})
            last_id = rows[-1].id
            db.session.commit()  # the session holds rows weakly: each batch is let go
    return changed


# --- drafts -------------------------------------------------------------------------------

def _draft_clause(actor: User, thread: Thread | None):
    return (Draft.user_id == actor.id) & (func.coalesce(Draft.thread_id, 0) == (thread.id if thread else 0))


def _discard_draft(actor: User, thread: Thread | None) -> None:
    """Posting ends the draft it came from (the caller commits)."""
    db.session.execute(delete(Draft).where(_draft_clause(actor, thread)))


def save_draft(actor: User, *, thread: Thread | None, body: str, title: str = "",
               reply_to: Post | None = None, asked_at: datetime | None = None) -> Draft | None:
    """Keep what `actor` is writing: a reply in `thread`, or a new discussion (thread None).

    One draft per member per thread (and one for a new discussion): saving again replaces
    it, and an empty draft is discarded (returns None). Private to the author, so it skips
    the patient-data guard, which checks the text when it is posted.

    `asked_at` is when the request came: an autosave still on its way when the member
    pressed Post must not bring back the draft that posting ended, so a save is dropped if
    the member posted here after it was asked for (or up to DRAFT_RACE before).
    """
    if thread is None:
        if not policy.is_member(actor):
            raise PermissionDenied("Your account cannot start discussions at the moment.")
    elif (refusal := policy.reply_refusal(actor, thread)) is not None:
        raise PermissionDenied(refusal)
    body = str(clean_text(body or "")).rstrip()
    title = " ".join(str(clean_text(title or "")).split())[:TITLE_MAX] if thread is None else ""
    if len(body) > BODY_MAX:
        raise InvalidInput(f"Message must be {BODY_MAX:,} characters or fewer", field="body")
    if reply_to is not None and (thread is None or reply_to.thread_id != thread.id
                                 or not policy.can_view_post(actor, reply_to)):
        reply_to = None
    if not body.strip() and not title:
        discard_draft(actor, thread)
        return None
    for attempt in (1, 2):  # two autosaves at once: the second finds the first's row
        draft = db.session.scalar(select(Draft).where(_draft_clause(actor, thread)))
        if draft is None:
            draft = Draft(user_id=actor.id, thread_id=thread.id if thread else None)
            db.session.add(draft)
        draft.title, draft.body, draft.reply_to = title, body, reply_to
        draft.updated_at = utcnow()
        # Checked last, just before the commit, so the window for the race is as small as it gets.
        if asked_at is not None and _posted_since(actor, thread, asked_at - DRAFT_RACE):
            db.session.rollback()
            return None
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
        else:
            break
    return draft


def _posted_since(actor: User, thread: Thread | None, since: datetime) -> bool:
    if thread is None:
        return db.session.scalar(select(Thread.id).where(
            Thread.author_id == actor.id, Thread.created_at >= since).limit(1)) is not None
    return db.session.scalar(select(Post.id).where(
        Post.thread_id == thread.id, Post.author_id == actor.id,
        Post.created_at >= since).limit(1)) is not None


def discard_draft(actor: User, thread: Thread | None) -> None:
    """The member chose to throw their draft away."""
    _discard_draft(actor, thread)
    db.session.commit()
