"""Posts as search documents: which posts have one, and the fields each carries.

Only what some audience may read is indexed (see forum.search.schema); other kinds of
document register in forum.search.kinds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from forum.community.models import Alliance, Board, Profession
from forum.discussions.models import Post, Thread, thread_professions
from forum.discussions.queries import PAN_LONDON_SLUG
from forum.markup import to_text
from forum.members.models import User

CHUNK = 900  # ids per IN (...): well under SQLite's parameter limit


def indexable_clause():
    """What some audience may read: the rule that decides whether a post has a document."""
    return and_(
        Post.deleted_at.is_(None), Post.hidden_at.is_(None), Post.pending.is_(False),
        Thread.hidden_at.is_(None), Thread.pending.is_(False), Thread.merged_into_id.is_(None),
    )


def rows_stmt():
    # A thread with no alliance is pan-London: it carries the pan-London alliance's name.
    pan_london = select(Alliance.name).where(Alliance.slug == PAN_LONDON_SLUG).scalar_subquery()
    return (
        select(Post.id, Post.thread_id, Post.author_id, Post.is_opening, Post.body_html,
               Post.created_at, Thread.title, Thread.board_id, Thread.alliance_id,
               Board.members_only, User.display_name, Alliance.slug.label("alliance_slug"),
               Board.name.label("board_name"),
               func.coalesce(Alliance.name, pan_london).label("alliance_name"))
        .join(Thread, Post.thread_id == Thread.id)
        .join(Board, Thread.board_id == Board.id)
        .join(User, Post.author_id == User.id)
        .outerjoin(Alliance, Thread.alliance_id == Alliance.id)
        .where(indexable_clause())
    )


def professions_of(session: Session, thread_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """Each thread's profession tags: (id, name), in the professions' order."""
    ids = sorted(set(thread_ids))
    found: dict[int, list[tuple[int, str]]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        stmt = (select(thread_professions.c.thread_id, Profession.id, Profession.name)
                .join(Profession, Profession.id == thread_professions.c.profession_id)
                .where(thread_professions.c.thread_id.in_(chunk))
                .order_by(Profession.position, Profession.id))
        for thread_id, profession_id, name in session.execute(stmt):
            found.setdefault(thread_id, []).append((profession_id, name))
    return found


def timestamp(moment: datetime) -> int:
    """Microseconds since 1970 (naive datetimes are UTC, as every one we store is)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1_000_000)


def post_document(row: Any, professions: Sequence[tuple[int, str]] = ()) -> dict[str, Any]:
    body = to_text(row.body_html)
    tags = [name for _, name in professions] + [row.board_name, row.alliance_name or ""]
    return {
        "doc_key": f"post:{row.id}",
        "kind": "thread" if row.is_opening else "reply",
        "object_id": row.id,
        "group": row.thread_id,
        "group_key": str(row.thread_id),
        "title": row.title,
        "title_pairs": row.title,
        "body": body,
        "body_pairs": body,
        "author": row.display_name,
        "author_id": str(row.author_id),
        "board": str(row.board_id),
        # "0" is pan-London: no single alliance, or the pan-London alliance itself.
        "alliance": "0" if row.alliance_slug in (None, PAN_LONDON_SLUG) else str(row.alliance_id),
        "professions": " ".join(str(p) for p, _ in professions),
        "tags": " \n".join(tag for tag in tags if tag),
        "created": timestamp(row.created_at),
        "audience": "members" if row.members_only else "public",
        # Replies carry their thread's title (so "lymphoedema clinic primary care" finds a
        # reply about primary care in the lymphoedema clinic thread), at half its weight.
        "_title_boost": 1.0 if row.is_opening else 0.5,
        "_title_pairs_boost": 1.0 if row.is_opening else 0.5,
    }


def documents_for(session: Session, post_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    ids = sorted(set(post_ids))
    docs: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = list(session.execute(rows_stmt().where(Post.id.in_(ids[start:start + CHUNK]))))
        professions = professions_of(session, (r.thread_id for r in rows))
        for row in rows:
            docs[row.id] = post_document(row, professions.get(row.thread_id, ()))
    return docs


def indexable_ids(session: Session) -> list[int]:
    """Every indexable post's id, in order."""
    return list(session.scalars(select(Post.id).join(Thread, Post.thread_id == Thread.id)
                                .where(indexable_clause()).order_by(Post.id)))


def indexable_count(session: Session) -> int:
    stmt = (select(func.count()).select_from(Post).join(Thread, Post.thread_id == Thread.id)
            .where(indexable_clause()))
    return session.scalar(stmt) or 0
