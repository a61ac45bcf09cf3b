"""Reads for QI write-ups: the /qi list, a write-up's page, hubs and profiles.

Every listing goes through policy.visible_writeups (or own_writeups for a team's drafts) and
loads what its rows show in a fixed number of queries, however many rows there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from forum.community.models import Alliance, Profession
from forum.discussions.models import Thread
from forum.discussions.queries import PAN_LONDON_SLUG
from forum.extensions import db
from forum.qi import policy
from forum.qi.models import (
    DataPoint,
    DriverNode,
    Measure,
    PdsaCycle,
    Revision,
    TeamMember,
    WriteUp,
    writeup_professions,
)

MAX_ID = 2**31 - 1
SORTS = {"newest": "Newest first", "replicated": "Most replicated"}
SHOWN_ON_HUBS = 5


def _row_options() -> tuple:
    return (joinedload(WriteUp.alliance), joinedload(WriteUp.author),
            selectinload(WriteUp.professions))


def get_writeup(writeup_id: int) -> WriteUp | None:
    if not 0 < writeup_id <= MAX_ID:
        return None
    return db.session.scalar(select(WriteUp).where(WriteUp.id == writeup_id).options(
        joinedload(WriteUp.alliance), selectinload(WriteUp.professions),
        selectinload(WriteUp.team).joinedload(TeamMember.user)))


def ids_of(writeup: WriteUp) -> tuple[set[int], set[int]]:
    """(team member ids, co-author ids) from the loaded team, for policy checks."""
    team = {m.user_id for m in writeup.team}
    return team, {m.user_id for m in writeup.team if m.is_coauthor}


def readable_titles(viewer: Any, ids: list[int]) -> dict[int, str]:
    """Titles of the write-ups among `ids` this viewer may read (the Following page): one
    query, and nothing for one hidden or unpublished since it was followed."""
    if not ids:
        return {}
    return dict(db.session.execute(select(WriteUp.id, WriteUp.title).where(
        WriteUp.id.in_(ids), policy.readable_condition(viewer))).all())


def can_read(viewer: Any, writeup: WriteUp) -> bool:
    return policy.can_read(viewer, writeup, ids_of(writeup)[0])


def can_edit(viewer: Any, writeup: WriteUp) -> bool:
    return policy.can_edit(viewer, writeup, ids_of(writeup)[1])


@dataclass
class Tree:
    """The driver diagram as nested nodes: each has `.children` (a list) and `.depth`."""

    roots: list[DriverNode] = field(default_factory=list)
    nodes: list[DriverNode] = field(default_factory=list)

    def of_depth(self, depth: int) -> list[DriverNode]:
        return [n for n in self.nodes if n.depth == depth]


def driver_tree(writeup: WriteUp) -> Tree:
    """One query; children are attached as a plain attribute so templates need no SQL."""
    nodes = list(db.session.scalars(select(DriverNode).where(DriverNode.writeup_id == writeup.id)
                                    .order_by(DriverNode.depth, DriverNode.position, DriverNode.id)))
    by_id = {n.id: n for n in nodes}
    tree = Tree(nodes=nodes)
    for node in nodes:
        node.children = []  # type: ignore[attr-defined]
    for node in nodes:
        parent = by_id.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else tree.roots).append(node)  # type: ignore[attr-defined]
    return tree


def cycles(writeup: WriteUp) -> list[PdsaCycle]:
    return list(db.session.scalars(select(PdsaCycle).where(PdsaCycle.writeup_id == writeup.id)
                                   .options(joinedload(PdsaCycle.measure))
                                   .order_by(PdsaCycle.position, PdsaCycle.id)))


def measures(writeup: WriteUp) -> list[Measure]:
    return list(db.session.scalars(select(Measure).where(Measure.writeup_id == writeup.id)
                                   .order_by(Measure.position, Measure.id)))


def cycle_in(writeup: WriteUp, cycle_id: int) -> PdsaCycle | None:
    if not 0 < cycle_id <= MAX_ID:
        return None
    return db.session.scalar(select(PdsaCycle).where(PdsaCycle.id == cycle_id,
                                                     PdsaCycle.writeup_id == writeup.id))


def node_in(writeup: WriteUp, node_id: int | None) -> DriverNode | None:
    if node_id is None or not 0 < node_id <= MAX_ID:
        return None
    return db.session.scalar(select(DriverNode).where(DriverNode.id == node_id,
                                                      DriverNode.writeup_id == writeup.id))


def measure_in(writeup: WriteUp, measure_id: int | None) -> Measure | None:
    if measure_id is None or not 0 < measure_id <= MAX_ID:
        return None
    return db.session.scalar(select(Measure).where(Measure.id == measure_id,
                                                   Measure.writeup_id == writeup.id))


def team_member_in(writeup: WriteUp, member_id: int) -> TeamMember | None:
    return next((m for m in writeup.team if m.id == member_id), None)


def thread_reply_count(writeup: WriteUp) -> int | None:
    if writeup.thread_id is None:
        return None
    return db.session.scalar(select(Thread.reply_count).where(Thread.id == writeup.thread_id))


def page_context(viewer: Any, writeup: WriteUp) -> dict[str, Any]:
    """What the write-up's page shows besides the write-up itself; the measures and lineage
    partials add theirs through their own modules (the one documented hook)."""
    from forum.qi.lineage_queries import lineage_context
    from forum.qi.measure_queries import measures_context

    context: dict[str, Any] = {"tree": driver_tree(writeup), "cycles": cycles(writeup),
                               "reply_count": thread_reply_count(writeup)}
    context.update(measures_context(viewer, writeup))
    context.update(lineage_context(viewer, writeup))
    return context


# --- lists --------------------------------------------------------------------------------

@dataclass
class Filters:
    setting: str | None = None
    alliance: Alliance | None = None
    profession: Profession | None = None
    status: str | None = None
    has_data: bool = False
    replicated: bool = False
    sort: str = "newest"


def _narrowed(stmt, filters: Filters):
    if filters.setting:
        stmt = stmt.where(WriteUp.setting == filters.setting)
    if filters.status:
        stmt = stmt.where(WriteUp.status == filters.status)
    if filters.alliance is not None:
        if filters.alliance.slug == PAN_LONDON_SLUG:
            stmt = stmt.where(WriteUp.alliance_id.is_(None))
        else:
            stmt = stmt.where(WriteUp.alliance_id == filters.alliance.id)
    if filters.profession is not None:
        stmt = stmt.where(exists().where(writeup_professions.c.writeup_id == WriteUp.id,
                                         writeup_professions.c.profession_id == filters.profession.id))
    if filters.has_data:
        stmt = stmt.where(exists().where(Measure.writeup_id == WriteUp.id,
                                         DataPoint.measure_id == Measure.id))
    if filters.replicated:
        stmt = stmt.where(WriteUp.replica_count > 0)
    return stmt


def writeups_page(viewer: Any, filters: Filters, *, page: int = 1,
                  per_page: int | None = None) -> Pagination:
    stmt = _narrowed(policy.visible_writeups(select(WriteUp), viewer), filters)
    order = [WriteUp.published_at.desc(), WriteUp.id.desc()]
    if filters.sort == "replicated":
        order = [WriteUp.replica_count.desc(), *order]
    return db.paginate(stmt.options(*_row_options()).order_by(*order), page=page,
                       per_page=per_page or current_app.config.get("THREADS_PER_PAGE", 20),
                       error_out=False, count=True)


def own_drafts(viewer: Any, limit: int = 50) -> list[WriteUp]:
    """The viewer's team's write-ups not yet published (the 'Your write-ups' box)."""
    stmt = policy.own_writeups(select(WriteUp), viewer).where(WriteUp.published_at.is_(None))
    return list(db.session.scalars(stmt.options(*_row_options())
                                   .order_by(WriteUp.updated_at.desc(), WriteUp.id.desc())
                                   .limit(limit)))


def hub_writeups(viewer: Any, *, alliance: Alliance | None = None,
                 profession: Profession | None = None,
                 limit: int = SHOWN_ON_HUBS) -> tuple[list[WriteUp], int]:
    """An alliance's or profession's newest write-ups and how many there are: two queries
    plus one for professions."""
    stmt = _narrowed(policy.visible_writeups(select(WriteUp), viewer),
                     Filters(alliance=alliance, profession=profession))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.options(*_row_options())
                              .order_by(WriteUp.published_at.desc(), WriteUp.id.desc()).limit(limit))
    return list(rows), total


def member_writeups(viewer: Any, member_id: int) -> list[WriteUp]:
    """The published write-ups whose team credits this member (for their profile)."""
    team = select(TeamMember.writeup_id).where(TeamMember.user_id == member_id)
    stmt = policy.visible_writeups(select(WriteUp), viewer).where(WriteUp.id.in_(team))
    return list(db.session.scalars(stmt.options(*_row_options())
                                   .order_by(WriteUp.published_at.desc(), WriteUp.id.desc())
                                   .limit(50)))


def revisions(writeup: WriteUp) -> list[Revision]:
    """Newest first, each with who made it."""
    return list(db.session.scalars(select(Revision).where(Revision.writeup_id == writeup.id)
                                   .options(joinedload(Revision.editor))
                                   .order_by(Revision.number.desc())))
