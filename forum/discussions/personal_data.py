"""A member's discussions data: their posts (source and dates), drafts and reading state.

Erasing keeps their posts (a discussion reads wrongly with holes in it): the author becomes
"Former member" when forum.members.profile_data renames the account. If the member also
asks, `remove_member_content` empties each post (it reads "Removed at the author's
request"), drops its earlier versions, and takes it out of the search index; replies to it
still thread beneath it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from forum import outbox
from forum.db import utcnow
from forum.discussions.models import Draft, Post, PostRevision, Thread, ThreadRead
from forum.extensions import db
from forum.members.models import User

REMOVED_HTML = "<p>Removed at the author’s request.</p>"


def export_member(user: User) -> dict[str, Any]:
    posts = db.session.execute(
        select(Post.id, Post.thread_id, Thread.title, Post.is_opening, Post.reply_to_id,
               Post.body_source, Post.created_at, Post.edited_at, Post.deleted_at,
               Post.hidden_at)
        .join(Thread, Post.thread_id == Thread.id)
        .where(Post.author_id == user.id).order_by(Post.id))
    drafts = db.session.scalars(select(Draft).where(Draft.user_id == user.id).order_by(Draft.id))
    reads = db.session.scalars(
        select(ThreadRead).where(ThreadRead.user_id == user.id).order_by(ThreadRead.thread_id))
    return {
        "posts": [{"id": p.id, "thread_id": p.thread_id, "thread_title": p.title,
                   "starts_thread": p.is_opening, "reply_to_post_id": p.reply_to_id,
                   "text": p.body_source, "created_at": p.created_at, "edited_at": p.edited_at,
                   "deleted_at": p.deleted_at, "hidden_by_moderator_at": p.hidden_at}
                  for p in posts],
        "drafts": [{"thread_id": d.thread_id, "title": d.title, "text": d.body,
                    "updated_at": d.updated_at} for d in drafts],
        "reading": [{"thread_id": r.thread_id, "last_read_post_id": r.last_read_post_id,
                     "first_read_at": r.first_read_at} for r in reads],
    }


def erase_member(user: User) -> None:
    """Drafts and reading state go; posts stay (renamed with the account), re-indexed."""
    db.session.execute(delete(Draft).where(Draft.user_id == user.id))
    db.session.execute(delete(ThreadRead).where(ThreadRead.user_id == user.id))
    # The author's name changes on every post; "purge" drops the old name from the index files.
    outbox.enqueue("search", {"kind": "author", "id": user.id, "purge": True})


def remove_member_content(user: User) -> None:
    """Each of the member's posts reads "Removed at the author's request"; its document
    leaves the search index through the outbox."""
    post_ids = list(db.session.scalars(select(Post.id).where(Post.author_id == user.id)))
    for start in range(0, len(post_ids), 900):
        chunk = post_ids[start:start + 900]
        db.session.execute(delete(PostRevision).where(PostRevision.post_id.in_(chunk)))
        db.session.execute(
            update(Post).where(Post.id.in_(chunk))
            .values(body_source="", body_html=REMOVED_HTML, revision_count=1,
                    deleted_at=db.func.coalesce(Post.deleted_at, utcnow())),
            execution_options={"synchronize_session": False})
    for post_id in post_ids:
        outbox.enqueue("search", {"kind": "post", "id": post_id})
