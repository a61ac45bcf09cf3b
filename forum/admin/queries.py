"""Reads for the organisers' pages; every list is a fixed number of queries whatever its length."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from forum.admin.kinds import Kind, Reference
from forum.community.models import Alliance, Board, Profession
from forum.discussions.models import Thread, thread_professions
from forum.extensions import db
from forum.members.models import Role, Status, User
from forum.moderation.models import AuditEntry
from forum.pages.models import Page
from forum.urls import MAX_ID

MEMBERS_PER_PAGE = 50
LOG_PER_PAGE = 50
SEARCH_MAX = 100
ADMIN_TARGETS = ("board", "alliance", "profession", "page")


@dataclass
class Row:
    """A board, alliance or profession with what its list shows beside it."""

    item: Reference
    threads: int
    members: int | None  # None for boards: members belong to alliances and professions


def reference_rows(kind: Kind) -> list[Row]:
    """Every row of a kind in its order, retired ones included, with its thread count and (for
    alliances and professions) its member count: one query."""
    model = kind.model
    if model is Board:
        stmt = select(Board, Board.thread_count, None)
    else:
        link = Thread.alliance_id if model is Alliance else None
        member_col = User.alliance_id if model is Alliance else User.profession_id
        members = (select(member_col.label("ref_id"), func.count().label("n"))
                   .group_by(member_col).subquery())
        if link is not None:
            threads = (select(link.label("ref_id"), func.count().label("n"))
                       .where(Thread.merged_into_id.is_(None)).group_by(link).subquery())
        else:
            threads = (select(thread_professions.c.profession_id.label("ref_id"),
                              func.count().label("n"))
                       .group_by(thread_professions.c.profession_id).subquery())
        stmt = (select(model, func.coalesce(threads.c.n, 0), func.coalesce(members.c.n, 0))
                .outerjoin(threads, threads.c.ref_id == model.id)
                .outerjoin(members, members.c.ref_id == model.id))
    stmt = stmt.order_by(model.position, model.name, model.id)
    return [Row(item, threads or 0, members) for item, threads, members in db.session.execute(stmt)]


def get_reference(kind: Kind, ident: int) -> Reference | None:
    if not 0 < ident <= MAX_ID:
        return None
    return db.session.get(kind.model, ident)


def get_member(user_id: int) -> User | None:
    if not 0 < user_id <= MAX_ID:
        return None
    return db.session.scalar(select(User).where(User.id == user_id).options(
        joinedload(User.profession), joinedload(User.alliance)))


def members_page(*, q: str = "", page: int = 1, per_page: int = MEMBERS_PER_PAGE) -> Pagination:
    """Organisers and moderators first, then everyone else; `q` narrows by name or email."""
    stmt = select(User).options(joinedload(User.profession), joinedload(User.alliance))
    q = q.strip()[:SEARCH_MAX]
    if q:
        like = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(func.lower(User.display_name).like(like, escape="\\"),
                              func.lower(User.email).like(like, escape="\\")))
    else:
        stmt = stmt.where(User.role.in_((Role.ADMIN, Role.MODERATOR)))
    order = (User.role != Role.ADMIN, User.role != Role.MODERATOR,
             func.lower(User.display_name), User.id)
    return db.paginate(stmt.order_by(*order), page=page, per_page=per_page, error_out=False,
                       count=True)


def active_admin_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.status == Status.ACTIVE)) or 0


# --- the organisers' log ------------------------------------------------------------------

@dataclass
class LogTargets:
    """What the organisers' log entries point at, one query per kind of target."""

    by_type: dict[str, dict[int, Any]]

    def get(self, target_type: str, ident: int | None) -> Any:
        return self.by_type.get(target_type, {}).get(ident) if ident is not None else None


def organiser_log(*, page: int = 1, per_page: int = LOG_PER_PAGE) -> Pagination:
    """Organisers' changes from the moderation audit log: reference data, pages and roles."""
    stmt = (select(AuditEntry).options(joinedload(AuditEntry.actor))
            .where(or_(AuditEntry.target_type.in_(ADMIN_TARGETS),
                       AuditEntry.action == "change_role"))
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def log_targets(entries: list[AuditEntry]) -> LogTargets:
    models = {"board": Board, "alliance": Alliance, "profession": Profession, "page": Page,
              "user": User}
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.target_id is not None and entry.target_type in models:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    return LogTargets({
        kind: {row.id: row for row in db.session.scalars(
            select(models[kind]).where(models[kind].id.in_(ids)))}
        for kind, ids in wanted.items()
    })
