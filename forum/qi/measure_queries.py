"""Reads for measures: the write-up page's measures with their data and PDSA markers, in a
fixed number of queries however many measures and points there are.

`measures_context(viewer, writeup)` is the hook qi's page_context calls for the
`qi/_measures.html` partial; it returns {"measures": [MeasureView, ...]}.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from forum.charts.svg import Marker as ChartMarker
from forum.extensions import db
from forum.qi.drawing import ChartView, chart_view
from forum.qi.models import Attachment, DataPoint, Measure, PdsaCycle, TeamMember, WriteUp

MAX_ID = 2**31 - 1
SPC_FROM = 12  # "auto": a run chart under 12 points, an SPC chart from 12 (Making Data Count)
CHART_TEMPLATE = "qi/_measure_chart.html"


def _code_digest() -> str:
    """The drawing code and templates, so a change to any of them redraws every chart."""
    import forum.charts.svg
    import forum.qi.charts
    import forum.qi.drawing
    import forum.qi.findings

    root = Path(__file__).resolve().parent.parent.parent / "templates"
    files = [Path(m.__file__) for m in (forum.charts.svg, forum.qi.charts, forum.qi.drawing,
                                        forum.qi.findings) if m.__file__]
    files += [root / "_macros" / "charts.html", root / CHART_TEMPLATE]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files if f.exists())).hexdigest()


CODE_DIGEST = _code_digest()  # computed once at import; never changes while running


@dataclass
class Marker:
    """A PDSA cycle marked on a chart: at the first point on or after the day it started."""

    cycle: PdsaCycle
    index: int  # into the measure's points
    rebase: bool


@dataclass
class MeasureView:
    measure: Measure
    points: list[DataPoint]
    markers: list[Marker] = field(default_factory=list)

    @property
    def chart_kind(self) -> str:
        """"run" or "spc": the author's choice, or the rule for "auto"."""
        if self.measure.chart in ("run", "spc"):
            return self.measure.chart
        return "spc" if len(self.points) >= SPC_FROM else "run"

    @property
    def values(self) -> list[float]:
        return [p.value for p in self.points]

    @cached_property
    def chart_key(self) -> str:
        """A digest of everything the chart is drawn from."""
        m = self.measure
        parts = (CODE_DIGEST, m.id, m.name, m.unit, m.better,
                 None if m.target is None else float(m.target), self.chart_kind,
                 [(p.period.isoformat(), p.period_kind, float(p.value), p.note) for p in self.points],
                 [(mk.index, mk.rebase, mk.cycle.change_idea) for mk in self.markers])
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    @property
    def chart_html(self) -> Markup:
        """The chart as stored when its data last changed, or drawn now if anything changed
        since (a PDSA cycle marked on it, new drawing code)."""
        if self.measure.chart_html and self.measure.chart_key == self.chart_key:
            return Markup(self.measure.chart_html)  # noqa: S704  (our own template's output)
        return draw_chart(self)

    @cached_property
    def chart(self) -> ChartView | None:
        """The chart, its findings in words and its table (None with no data)."""
        if not self.points:
            return None
        m = self.measure
        return chart_view(
            self.values, [period_label(p) for p in self.points], title=m.name,
            chart_id=f"measure-{m.id}-chart", unit=m.unit, notes=[p.note for p in self.points],
            better=m.better if m.better in ("up", "down") else None, target=m.target,
            rebase_at=self.rebase_at, chart_type=self.chart_kind,
            markers=[ChartMarker(mk.index, f"PDSA: {mk.cycle.change_idea}") for mk in self.markers])

    @property
    def rebase_at(self) -> list[int]:
        """Where limits are recalculated: never at the first point, each index once."""
        return sorted({m.index for m in self.markers if m.rebase and m.index > 0})


def draw_chart(view: MeasureView) -> Markup:
    """The chart block (SVG, findings, table) through its template; "" with no data."""
    if not view.points:
        return Markup("")
    return Markup(current_app.jinja_env.get_template(CHART_TEMPLATE).render(mv=view))  # noqa: S704


def view_of(measure: Measure) -> MeasureView:
    """One measure with its points and marked cycles, as the page shows it (for redrawing)."""
    points = measure_points(measure)
    cycles = db.session.scalars(select(PdsaCycle).where(
        PdsaCycle.measure_id == measure.id, PdsaCycle.started_on.is_not(None))
        .order_by(PdsaCycle.started_on, PdsaCycle.position))
    return _with_markers(MeasureView(measure, points), cycles)


def _with_markers(view: MeasureView, cycles) -> MeasureView:
    periods = [p.period for p in view.points]
    for cycle in cycles:
        if cycle.measure_id == view.measure.id and cycle.started_on is not None:
            index = marker_index(periods, cycle.started_on)
            if index is not None:
                view.markers.append(Marker(cycle, index, cycle.rebase))
    return view


def period_label(point: DataPoint) -> str:
    """"March 2024", "w/c 4 Mar 2024" or "4 Mar 2024", as the point's kind says."""
    day = point.period
    if point.period_kind == "month":
        return f"{day:%B %Y}"
    return f"{'w/c ' if point.period_kind == 'week' else ''}{day.day} {day:%b %Y}"


def marker_index(periods: list[date], started_on: date) -> int | None:
    """The first point on or after `started_on`; None when the cycle began after the data."""
    i = bisect_left(periods, started_on)
    return i if i < len(periods) else None


def measures_context(viewer: Any, writeup: WriteUp) -> dict[str, Any]:
    """What qi/_measures.html and qi/_attachments.html show, in five queries: measures (with
    their points), the cycles marked on them, the files, and the team (who may add files)."""
    from forum.qi.attachments import can_attach

    team, coauthors = team_ids(writeup)
    measures = list(db.session.scalars(
        select(Measure).where(Measure.writeup_id == writeup.id)
        .order_by(Measure.position, Measure.id).options(selectinload(Measure.points))))
    cycles = list(db.session.scalars(
        select(PdsaCycle).where(PdsaCycle.writeup_id == writeup.id,
                                PdsaCycle.measure_id.is_not(None),
                                PdsaCycle.started_on.is_not(None))
        .order_by(PdsaCycle.started_on, PdsaCycle.position))) if measures else []
    views = [_with_markers(MeasureView(m, list(m.points)), cycles) for m in measures]
    attachments = list(db.session.scalars(
        select(Attachment).where(Attachment.writeup_id == writeup.id).order_by(Attachment.id)
        .options(joinedload(Attachment.upload))))
    return {"measures": views, "attachments": attachments,
            "can_attach": can_attach(viewer, writeup, team, coauthors)}


def get_measure(measure_id: int) -> Measure | None:
    if not 0 < measure_id <= MAX_ID:
        return None
    return db.session.scalar(select(Measure).where(Measure.id == measure_id)
                             .options(joinedload(Measure.writeup)))


def get_point(point_id: int) -> DataPoint | None:
    if not 0 < point_id <= MAX_ID:
        return None
    return db.session.scalar(select(DataPoint).where(DataPoint.id == point_id)
                             .options(joinedload(DataPoint.measure).joinedload(Measure.writeup)))


def get_writeup(writeup_id: int) -> WriteUp | None:
    if not 0 < writeup_id <= MAX_ID:
        return None
    return db.session.get(WriteUp, writeup_id)


def team_ids(writeup: WriteUp) -> tuple[set[int], set[int]]:
    """(team member ids, co-author ids) for the policy checks, in one query."""
    rows = db.session.execute(select(TeamMember.user_id, TeamMember.is_coauthor).where(
        TeamMember.writeup_id == writeup.id)).all()
    return {r.user_id for r in rows}, {r.user_id for r in rows if r.is_coauthor}


def measure_points(measure: Measure) -> list[DataPoint]:
    return list(db.session.scalars(select(DataPoint).where(DataPoint.measure_id == measure.id)
                                   .order_by(DataPoint.period)))
