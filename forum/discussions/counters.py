"""The counters lists show (replies per thread, discussions and posts per board, posts per
member, open reports per post): changed in SQL, never read and written back, and recounted.

A counter read into Python, incremented and saved loses every increment another connection
made in between (5 to 8 replies a minute under load). `bump` sends `SET n = n + 1` instead;
`recount` puts right counters that are already wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, or_, select, update

from forum.community.models import Board
from forum.db import Base, UTCDateTime
from forum.discussions.models import Post, Thread
from forum.extensions import db
from forum.members.models import User
from forum.moderation.guard import HOLD_EDIT
from forum.moderation.models import Report, ReportStatus


def counted() -> ColumnElement[bool]:
    """Posts the counters include: published ones, and published ones whose edit is held
    for a patient-data check (they were counted when first published)."""
    return or_(Post.pending.is_(False), Post.pending_reason == HOLD_EDIT)


def is_counted(post: Post) -> bool:
    """`counted()` for one post in hand."""
    return not post.pending or post.pending_reason == HOLD_EDIT


def _plus(column: Any, delta: int) -> ColumnElement[int]:
    if delta >= 0:
        return column + delta
    return case((column + delta < 0, 0), else_=column + delta)  # never below nothing


def _later(column: Any, at: datetime) -> ColumnElement[datetime]:
    at_ = literal(at, UTCDateTime())
    return case((or_(column.is_(None), column <= at_), at_), else_=column)


def bump(row: Base, *, active_at: datetime | None = None, latest_thread_id: int | None = None,
         **deltas: int) -> None:
    """Add `deltas` to `row`'s counters in one UPDATE (`n = n + delta`, kept at 0 or more);
    `active_at` moves `last_activity_at` forward only (a board's `last_thread_id` with it).

    The row's attributes are expired, so the next read sees what the database holds.
    """
    row = getattr(row, "_get_current_object", lambda: row)()  # current_user is a proxy
    model = type(row)
    values: dict[str, Any] = {name: _plus(getattr(model, name), delta)
                              for name, delta in deltas.items() if delta}
    if active_at is not None:
        column = model.last_activity_at  # type: ignore[attr-defined]
        values["last_activity_at"] = _later(column, active_at)
        if latest_thread_id is not None:
            values["last_thread_id"] = case(
                (or_(column.is_(None), column <= literal(active_at, UTCDateTime())),
                 latest_thread_id), else_=model.last_thread_id)  # type: ignore[attr-defined]
    if not values:
        return
    db.session.execute(update(model).where(model.id == row.id).values(**values)  # type: ignore[attr-defined]
                       .execution_options(synchronize_session=False))
    db.session.expire(row, list(values))


def publish(post: Post) -> None:
    """Count a post others can now see, in its thread, board and author (the caller commits).

    Rows are updated in one order (thread, board, member) so concurrent writers never wait on
    each other in a circle.
    """
    thread, now = post.thread, post.created_at
    if not post.is_opening:
        bump(thread, reply_count=1, active_at=now)
    bump(thread.board, thread_count=int(post.is_opening), post_count=1, active_at=now,
         latest_thread_id=thread.id)
    bump(post.author, post_count=1, approved_post_count=1)


# --- fresh counts and recount ---------------------------------------------------------------

def _reply_count() -> Any:
    return (select(func.count(Post.id))
            .where(Post.thread_id == Thread.id, Post.is_opening.is_(False), counted())
            .scalar_subquery())


def _board_posts(*, opening: bool) -> Any:
    stmt = (select(func.count(Post.id)).join(Thread, Thread.id == Post.thread_id)
            .where(Thread.board_id == Board.id, counted()))
    if opening:
        stmt = stmt.where(Post.is_opening.is_(True))
    return stmt.scalar_subquery()


def _member_posts() -> Any:
    return select(func.count(Post.id)).where(Post.author_id == User.id, counted()).scalar_subquery()


def _open_reporters() -> Any:
    return (select(func.count(func.distinct(Report.reporter_id)))
            .where(Report.post_id == Post.id, Report.status == ReportStatus.OPEN)
            .scalar_subquery())


@dataclass(frozen=True)
class Counter:
    model: type
    column: str
    fresh: Callable[[], Any]
    # approved_post_count is trust earned: a post deleted since does not take it back.
    only_up: bool = False

    @property
    def name(self) -> str:
        return f"{self.model.__tablename__}.{self.column}"


COUNTERS = (
    Counter(Thread, "reply_count", _reply_count),
    Counter(Board, "thread_count", lambda: _board_posts(opening=True)),
    Counter(Board, "post_count", lambda: _board_posts(opening=False)),
    Counter(User, "post_count", _member_posts),
    Counter(User, "approved_post_count", _member_posts, only_up=True),
    Counter(Post, "open_report_count", _open_reporters),
)


def _rows(model: type, last_id: int, limit: int) -> list[Any]:
    """(id, kept..., fresh...) for the next `limit` rows of `model` after `last_id`."""
    mine = [c for c in COUNTERS if c.model is model]
    stmt = (select(model.id, *(getattr(model, c.column) for c in mine),  # type: ignore[attr-defined]
                   *(c.fresh() for c in mine))
            .where(model.id > last_id).order_by(model.id).limit(limit))  # type: ignore[attr-defined]
    return list(db.session.execute(stmt))


def _models() -> list[type]:
    return list(dict.fromkeys(c.model for c in COUNTERS))


def _scan(batch_size: int = 1000) -> Iterator[tuple[type, list[Counter], list[Any]]]:
    for model in _models():
        mine = [c for c in COUNTERS if c.model is model]
        last_id = 0
        while rows := _rows(model, last_id, batch_size):
            yield model, mine, rows
            last_id = rows[-1][0]


def _target(counter: Counter, kept: int, fresh: int) -> int:
    return max(kept, fresh) if counter.only_up else fresh


def kept_counts() -> dict[tuple[str, int], int]:
    """Every counter as stored: {("threads.reply_count", thread id): n, ...}."""
    return {(c.name, row[0]): row[1 + i]
            for _, mine, rows in _scan() for row in rows for i, c in enumerate(mine)}


def fresh_counts() -> dict[tuple[str, int], int]:
    """Every counter as a fresh count from the rows it counts would have it."""
    out = {}
    for _, mine, rows in _scan():
        for row in rows:
            for i, c in enumerate(mine):
                out[(c.name, row[0])] = _target(c, row[1 + i], row[1 + len(mine) + i])
    return out


@dataclass
class RecountReport:
    rows_checked: int = 0
    rows_fixed: int = 0
    fixed: dict[str, int] = field(default_factory=dict)  # counter name -> rows put right

    @property
    def counters_fixed(self) -> int:
        return sum(self.fixed.values())


def total_rows() -> int:
    return sum(db.session.scalar(select(func.count()).select_from(m)) or 0 for m in _models())


def recount(*, batch_size: int = 1000, progress: Callable[[int], object] = lambda n: None
            ) -> RecountReport:
    """Set every counter that differs from a fresh count to that count.

    Commits per batch, so a large forum is never held in one transaction; each fix is an
    UPDATE to the fresh count computed in that same statement, so writes made meanwhile are
    not undone.
    """
    report = RecountReport()
    for model, mine, rows in _scan(batch_size):
        for row in rows:
            wrong = [c for i, c in enumerate(mine)
                     if row[1 + i] != _target(c, row[1 + i], row[1 + len(mine) + i])]
            if wrong:
                values = {c.column: (func.greatest(getattr(model, c.column), c.fresh())
                                     if c.only_up and db.engine.dialect.name != "sqlite" else
                                     func.max(getattr(model, c.column), c.fresh())
                                     if c.only_up else c.fresh())
                          for c in wrong}
                db.session.execute(update(model).where(model.id == row[0]).values(**values)  # type: ignore[attr-defined]
                                   .execution_options(synchronize_session=False))
                report.rows_fixed += 1
                for c in wrong:
                    report.fixed[c.name] = report.fixed.get(c.name, 0) + 1
        report.rows_checked += len(rows)
        db.session.commit()
        progress(len(rows))
    db.session.expire_all()
    return report
