"""The searcher's own posts that wait for a moderator.

Held posts have no search document (only what some audience may read is indexed), so their
author could not find them. They are few (a new member's first posts, a patient-data check),
so they are matched here, for their author only, with the index's own stemming: every word
of the query must appear in the post (or, for an opening post, its discussion's title).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.discussions.models import Post, Thread
from forum.extensions import db
from forum.markup import to_text
from forum.search.analysis import stemming_analyzer

SCAN = 200  # a member with more held posts than this has bigger problems than search


def held_matches(viewer: Any, query: str, limit: int = 10) -> list[Post]:
    """The viewer's own waiting posts that match `query`, newest first."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return []
    stem = stemming_analyzer()
    wanted = set(stem.terms(query or "")) - {"or", "and", "not"}
    if not wanted:
        return []
    posts = db.session.scalars(
        select(Post).where(Post.author_id == viewer.id, Post.pending.is_(True),
                           Post.hidden_at.is_(None), Post.deleted_at.is_(None))
        .options(joinedload(Post.thread).joinedload(Thread.board))
        .order_by(Post.created_at.desc(), Post.id.desc()).limit(SCAN)
    )
    found = []
    for post in posts:
        text = to_text(post.body_html) + (" " + post.thread.title if post.is_opening else "")
        if wanted <= set(stem.terms(text)):
            found.append(post)
            if len(found) == limit:
                break
    return found
