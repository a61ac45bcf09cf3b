"""Reads for a write-up's lineage: where it was replicated from, who replicated it (with a small
chart of each replica's primary measure beside the original's), and who tried it.

`lineage_context(viewer, writeup)` is the hook qi's page_context calls for the
`qi/_lineage.html` partial. Only published write-ups the viewer may read are listed either
way. A fixed number of queries, however many replicas and notes there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.qi import policy
from forum.qi.models import DataPoint, Measure, TeamMember, TriedIt, WriteUp
from forum.qi.moderation import can_report
from forum.qi.replication import can_mark_tried

MAX_REPLICAS = 50  # listed on the page; the count says how many there are in all
MAX_TRIED = 100


@dataclass
class Comparison:
    """One write-up's primary measure, drawn small beside the others'."""

    writeup: WriteUp
    measure: Measure | None
    points: list[DataPoint]
    is_original: bool = False

    @property
    def chart(self) -> Any:
        """A forum.qi.drawing ChartView of the measure (None without two points to draw)."""
        if self.measure is None or len(self.points) < 2:
            return None
        from forum.qi.drawing import chart_view

        labels = [period_label(p.period, p.period_kind) for p in self.points]
        return chart_view([p.value for p in self.points], labels, title=self.measure.name,
                          chart_id=f"lineage-{self.writeup.id}-{self.measure.id}",
                          unit=self.measure.unit, better=self.measure.better,  # type: ignore[arg-type]
                          target=self.measure.target,
                          chart_type=self.measure.chart if self.measure.chart != "auto" else "auto")


def period_label(day: date, kind: str) -> str:
    if kind == "month":
        return f"{day:%b %Y}"
    if kind == "week":
        return f"w/c {day.day} {day:%b %Y}"
    return f"{day.day} {day:%b %Y}"


def _team_ids(writeup: WriteUp) -> set[int]:
    """The loaded team (qi's get_writeup loads it), or one query if it is not."""
    if "team" in writeup.__dict__:
        return {m.user_id for m in writeup.team} | {writeup.author_id}
    return set(db.session.scalars(select(TeamMember.user_id).where(
        TeamMember.writeup_id == writeup.id))) | {writeup.author_id}


def _listed(viewer: Any):
    return policy.visible_writeups(select(WriteUp), viewer).options(
        joinedload(WriteUp.alliance), joinedload(WriteUp.author))


def primary_measures(writeups: list[WriteUp]) -> dict[int, tuple[Measure, list[DataPoint]]]:
    """Each write-up's primary measure (the one marked, else the first) with its points, in
    two queries."""
    if not writeups:
        return {}
    chosen: dict[int, Measure] = {}
    for measure in db.session.scalars(
            select(Measure).where(Measure.writeup_id.in_([w.id for w in writeups]))
            .order_by(Measure.writeup_id, Measure.is_primary.desc(), Measure.position, Measure.id)):
        chosen.setdefault(measure.writeup_id, measure)
    points: dict[int, list[DataPoint]] = {m.id: [] for m in chosen.values()}
    if points:
        for point in db.session.scalars(select(DataPoint).where(DataPoint.measure_id.in_(list(points)))
                                        .order_by(DataPoint.measure_id, DataPoint.period)):
            points[point.measure_id].append(point)
    return {wid: (m, points[m.id]) for wid, m in chosen.items()}


def lineage_context(viewer: Any, writeup: WriteUp) -> dict[str, Any]:
    original = None
    if writeup.replicated_from_id is not None:
        original = db.session.scalar(_listed(viewer).where(WriteUp.id == writeup.replicated_from_id))
    replicas = list(db.session.scalars(
        _listed(viewer).where(WriteUp.replicated_from_id == writeup.id)
        .order_by(WriteUp.published_at, WriteUp.id).limit(MAX_REPLICAS)))
    comparisons: list[Comparison] = []
    if replicas:
        measures = primary_measures([writeup, *replicas])
        for item, is_original in ((writeup, True), *((r, False) for r in replicas)):
            measure, points = measures.get(item.id, (None, []))
            comparisons.append(Comparison(item, measure, points, is_original))
    tried = list(db.session.scalars(
        select(TriedIt).where(TriedIt.writeup_id == writeup.id)
        .options(joinedload(TriedIt.user)).order_by(TriedIt.created_at, TriedIt.id).limit(MAX_TRIED)))
    user_id = getattr(viewer, "id", None) if getattr(viewer, "is_authenticated", False) else None
    team = _team_ids(writeup)
    return {
        "replicated_from": original,
        "replicas": replicas,
        "comparisons": comparisons,
        "tried": tried,
        "my_tried": next((t for t in tried if t.user_id == user_id), None) if user_id else None,
        "can_replicate": policy.can_replicate(viewer, writeup),
        "can_mark_tried": can_mark_tried(viewer, writeup, team),
        "can_report_writeup": can_report(viewer, writeup, team),
        "can_moderate_writeup": policy.can_moderate(viewer),
    }
