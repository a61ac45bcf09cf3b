"""Who may see a match: the index filter (audience and the search's filters) and the SQL
re-check with the pages' own visibility rule. The index proposes, SQL decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import false, or_, select
from sqlalchemy.orm import joinedload
from whoosh.query import And, NullQuery, NumericRange, Query, Term

from forum.community.models import Alliance, Profession
from forum.discussions import policy
from forum.discussions.models import Post, Thread, thread_professions
from forum.discussions.queries import PAN_LONDON_SLUG
from forum.extensions import db
from forum.members.models import User
from forum.search import kinds
from forum.search.building import author_query
from forum.search.documents import indexable_clause, timestamp


@dataclass(frozen=True)
class Filters:
    """Narrowing a search; ids, as the view resolved them from slugs."""

    board_id: int | None = None
    alliance_id: int | None = None  # 0: pan-London (no single alliance)
    profession_id: int | None = None
    kind: str | None = None
    author_id: int | None = None
    author_name: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    thread_id: int | None = None  # one discussion: "Show all N matching posts"
    sort: str = "relevance"

    @property
    def active(self) -> bool:
        return any(v not in (None, "") for k, v in vars(self).items() if k != "sort")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _day_end(day: date) -> datetime:
    return datetime.combine(day, time.max)


def index_filter(filters: Filters, viewer: Any) -> Query | None:
    parts: list[Query] = []
    if not policy.is_member(viewer):
        parts.append(Term("audience", "public"))
    if filters.board_id is not None:
        parts.append(Term("board", str(filters.board_id)))
    if filters.alliance_id is not None:
        parts.append(Term("alliance", str(filters.alliance_id)))
    if filters.profession_id is not None:
        parts.append(Term("professions", str(filters.profession_id)))
    if filters.kind:
        parts.append(Term("kind", filters.kind))
    if filters.thread_id is not None:
        parts.append(Term("group_key", str(filters.thread_id)))
    if filters.author_id is not None:
        parts.append(Term("author_id", str(filters.author_id)))
    if filters.author_name:
        author = author_query(filters.author_name)
        parts.append(NullQuery if author is None else author)  # "!!!" names nobody
    if filters.date_from or filters.date_to:
        parts.append(NumericRange(
            "created", timestamp(_day_start(filters.date_from)) if filters.date_from else None,
            timestamp(_day_end(filters.date_to)) if filters.date_to else None))
    return And(parts) if len(parts) > 1 else (parts[0] if parts else None)


def _sql_filters(stmt, filters: Filters):
    """The same narrowing in SQL, so a stale index cannot put a post under the wrong filter."""
    if filters.board_id is not None:
        stmt = stmt.where(Thread.board_id == filters.board_id)
    if filters.alliance_id is not None:
        if filters.alliance_id == 0:
            stmt = stmt.where(or_(Thread.alliance_id.is_(None), Thread.alliance_id.in_(
                select(Alliance.id).where(Alliance.slug == PAN_LONDON_SLUG))))
        else:
            stmt = stmt.where(Thread.alliance_id == filters.alliance_id)
    if filters.profession_id is not None:
        stmt = stmt.where(Thread.id.in_(select(thread_professions.c.thread_id).where(
            thread_professions.c.profession_id == filters.profession_id)))
    if kinds.get(filters.kind) is not None:  # another kind of document: no post
        stmt = stmt.where(false())
    elif filters.kind:
        stmt = stmt.where(Post.is_opening.is_(filters.kind == "thread"))
    if filters.thread_id is not None:
        stmt = stmt.where(Thread.id == filters.thread_id)
    if filters.author_id is not None:
        stmt = stmt.where(Post.author_id == filters.author_id)
    if filters.date_from:
        stmt = stmt.where(Post.created_at >= _day_start(filters.date_from).replace(tzinfo=UTC))
    if filters.date_to:
        stmt = stmt.where(Post.created_at <= _day_end(filters.date_to).replace(tzinfo=UTC))
    return stmt


def _visible(stmt, viewer: Any, filters: Filters):
    """The pages' own visibility rule, plus the search rule (never hidden, pending, deleted).

    Callers narrow by Post.id, and the rule is checked per candidate in a correlated EXISTS, so
    those primary keys drive the query. Joined straight into the statement, the rule's indexed
    terms (threads.merged_into_id IS NULL, posts.thread_id IN (SELECT ...)) let SQLite, which
    keeps no statistics, start from threads and walk every post (~50 ms for 60 ids at 200,000
    posts). The outer statement has no Thread join: add one before filtering on Thread.
    """
    rule = select(Thread.id).where(Thread.id == Post.thread_id, indexable_clause())
    rule = _sql_filters(policy.visible_posts(rule, viewer), filters)
    return stmt.where(rule.correlate(Post).exists())


def recheck_all(all_ids: list[int], ranked_ids: list[tuple[int, Any, bool]], viewer: Any,
                filters: Filters) -> tuple[list[tuple[int, Any, bool]], dict[int, int]]:
    """Every match (at most RECHECK_ALL: one statement per kind) through the visibility rule:
    the visible ones in rank order, and the group each is in (a discussion, or a write-up's
    own number: see forum.search.kinds)."""
    post_ids, _ = kinds.split(all_ids)
    thread_of: dict[int, int] = dict(db.session.execute(
        _visible(select(Post.id, Post.thread_id), viewer, filters).where(Post.id.in_(post_ids))
    ).all()) if post_ids else {}
    thread_of.update((n, n) for n in kinds.visible_numbers(all_ids, viewer, filters))
    return [ranked for ranked in ranked_ids if ranked[0] in thread_of], thread_of


def load_posts(post_ids: list[int], viewer: Any, filters: Filters) -> dict[int, Post]:
    """The posts to show, with what the page needs, in one query through the visibility rule
    (other kinds' numbers among the ids are left to forum.search.kinds.load_numbers)."""
    post_ids, _ = kinds.split(post_ids)
    if not post_ids:
        return {}
    stmt = _visible(select(Post), viewer, filters).where(Post.id.in_(post_ids)).options(
        joinedload(Post.thread).joinedload(Thread.board),
        joinedload(Post.thread).joinedload(Thread.alliance),
        joinedload(Post.author).joinedload(User.profession),
    )
    return {p.id: p for p in db.session.scalars(stmt).unique()}


def profession_names(thread_ids: list[int]) -> dict[int, list[str]]:
    """Each thread's profession tags, in the professions' order: one light statement (the
    ORM's selectinload of Thread.professions cost a millisecond a search)."""
    if not thread_ids:
        return {}
    stmt = (select(thread_professions.c.thread_id, Profession.name)
            .join(Profession, Profession.id == thread_professions.c.profession_id)
            .where(thread_professions.c.thread_id.in_(sorted(set(thread_ids))))
            .order_by(Profession.position, Profession.id))
    found: dict[int, list[str]] = {}
    for thread_id, name in db.session.execute(stmt):
        found.setdefault(thread_id, []).append(name)
    return found

