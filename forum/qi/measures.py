"""Services for a write-up's measures and their data: each checks `can_edit`, changes state,
writes the write-up's search outbox row (measure names and notes are searched) and commits once.

Text is rendered here with `markup.render`; the patient-data guard runs in the view before a
service is called (as for posts), since it needs the person's answer to its question.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, func, select, update

from forum.errors import InvalidInput, PermissionDenied
from forum.extensions import db
from forum.markup import render
from forum.members.models import User
from forum.qi.measure_queries import draw_chart, team_ids, view_of
from forum.qi.models import DataPoint, Measure, MeasureKind, PdsaCycle, WriteUp
from forum.qi.policy import can_edit
from forum.qi.series import MAX_NOTE, MAX_ROWS, Row
from forum.qi.services import touched

NAME_MAX = 200
UNIT_MAX = 40
DEFINITION_MAX = 10_000
KINDS = tuple(MeasureKind)
BETTER = ("up", "down")
CHARTS = ("auto", "run", "spc")


def _check(actor: User, writeup: WriteUp) -> None:
    if not can_edit(actor, writeup, team_ids(writeup)[1]):
        raise PermissionDenied("Only the write-up's author and co-authors can change its measures.")


def _touch(actor: User, writeup: WriteUp, measure: Measure | None = None, *,
           confirmed_finding: str | None = None) -> None:
    """What every change does before its one commit: stamped, told to search, the guard's
    trail kept (as for the write-up's own text), and the measure's chart drawn now, once,
    rather than on every view of the page."""
    touched(actor, writeup, confirmed_finding=confirmed_finding)
    if measure is not None:
        redraw_chart(measure)


def redraw_chart(measure: Measure) -> None:
    """Store the measure's chart as drawn from its data now (the caller commits). Also for
    other services whose change shows on a chart (a PDSA cycle marked on it)."""
    db.session.flush()
    view = view_of(measure)
    measure.chart_html, measure.chart_key = str(draw_chart(view)), view.chart_key


def _apply(measure: Measure, *, name: str, kind: str, definition: str, unit: str,
           better: str | None, target: float | None, chart: str) -> None:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("Enter the measure's name", field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"The name must be {NAME_MAX} characters or fewer", field="name")
    if kind not in KINDS:
        raise InvalidInput("Choose outcome, process or balancing", field="kind")
    if better not in (*BETTER, None):
        raise InvalidInput("Choose which direction is better", field="better")
    if chart not in CHARTS:
        raise InvalidInput("Choose a chart", field="chart")
    measure.name, measure.kind, measure.unit = name, kind, unit.strip()[:UNIT_MAX]
    measure.better, measure.target, measure.chart = better, target, chart
    measure.definition = definition.strip()
    measure.definition_html = render(measure.definition) if measure.definition else ""


def _set_primary(writeup: WriteUp, measure: Measure, is_primary: bool) -> None:
    if is_primary:
        db.session.execute(Measure.__table__.update().where(
            Measure.writeup_id == writeup.id, Measure.id != measure.id).values(is_primary=False))
    measure.is_primary = is_primary


def add_measure(actor: User, writeup: WriteUp, *, name: str, kind: str = MeasureKind.OUTCOME,
                definition: str = "", unit: str = "", better: str | None = None,
                target: float | None = None, chart: str = "auto",
                is_primary: bool = False, confirmed_finding: str | None = None) -> Measure:
    _check(actor, writeup)
    last = db.session.scalar(select(func.max(Measure.position)).where(
        Measure.writeup_id == writeup.id))
    measure = Measure(writeup_id=writeup.id, position=(last or 0) + 1)
    _apply(measure, name=name, kind=kind, definition=definition, unit=unit, better=better,
           target=target, chart=chart)
    db.session.add(measure)
    db.session.flush()
    _set_primary(writeup, measure, is_primary)
    _touch(actor, writeup, measure, confirmed_finding=confirmed_finding)
    db.session.commit()
    return measure


def edit_measure(actor: User, measure: Measure, *, name: str, kind: str, definition: str,
                 unit: str, better: str | None, target: float | None, chart: str,
                 is_primary: bool, confirmed_finding: str | None = None) -> Measure:
    writeup = measure.writeup
    _check(actor, writeup)
    _apply(measure, name=name, kind=kind, definition=definition, unit=unit, better=better,
           target=target, chart=chart)
    _set_primary(writeup, measure, is_primary)
    _touch(actor, writeup, measure, confirmed_finding=confirmed_finding)
    db.session.commit()
    return measure


def delete_measure(actor: User, measure: Measure) -> None:
    writeup = measure.writeup
    _check(actor, writeup)
    db.session.execute(delete(DataPoint).where(DataPoint.measure_id == measure.id))
    # Cycles marked on its chart stay, unmarked (SQLite applies ON DELETE only with foreign keys on).
    db.session.execute(update(PdsaCycle).where(PdsaCycle.measure_id == measure.id)
                       .values(measure_id=None, rebase=False))
    db.session.delete(measure)
    _touch(actor, writeup)
    db.session.commit()


def move_measure(actor: User, measure: Measure, *, up: bool) -> None:
    """Swap with the neighbour above (or below); positions are renumbered 1..n on the way."""
    writeup = measure.writeup
    _check(actor, writeup)
    siblings = list(db.session.scalars(select(Measure).where(
        Measure.writeup_id == writeup.id).order_by(Measure.position, Measure.id)))
    i = siblings.index(measure)
    j = i - 1 if up else i + 1
    if 0 <= j < len(siblings):
        siblings[i], siblings[j] = siblings[j], siblings[i]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    _touch(actor, writeup)
    db.session.commit()


# --- data points --------------------------------------------------------------------------

def save_points(actor: User, measure: Measure, rows: Sequence[Row], *,
                replace: bool = False, confirmed_finding: str | None = None) -> tuple[int, int]:
    """Save a checked series: new dates are added, dates already saved take the new value
    (or, with `replace`, the old series goes first). Returns (added, updated)."""
    writeup = measure.writeup
    _check(actor, writeup)
    if not rows:
        raise InvalidInput("There are no rows to save", field="rows")
    existing: dict[date, DataPoint] = {}
    if replace:
        db.session.execute(delete(DataPoint).where(DataPoint.measure_id == measure.id))
    else:
        existing = {p.period: p for p in db.session.scalars(
            select(DataPoint).where(DataPoint.measure_id == measure.id))}
    if len(set(existing) | {r.period for r in rows}) > MAX_ROWS:
        raise InvalidInput(f"A measure takes at most {MAX_ROWS:,} points", field="rows")
    added = updated = 0
    for row in rows:
        point = existing.get(row.period)
        if point is None:
            point = DataPoint(measure_id=measure.id, period=row.period)
            db.session.add(point)
            added += 1
        else:
            updated += 1
        point.period_kind, point.value = row.period_kind, row.value
        _set_note(point, row.note)
    _touch(actor, writeup, measure, confirmed_finding=confirmed_finding)
    db.session.commit()
    return added, updated


def _set_note(point: DataPoint, note: str) -> None:
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"A note must be {MAX_NOTE} characters or fewer", field="note")
    point.note = note
    point.note_html = render(note) if note else ""


def edit_point(actor: User, point: DataPoint, *, period: date, period_kind: str, value: float,
               note: str, confirmed_finding: str | None = None) -> DataPoint:
    writeup = point.measure.writeup
    _check(actor, writeup)
    clash = db.session.scalar(select(DataPoint.id).where(
        DataPoint.measure_id == point.measure_id, DataPoint.period == period,
        DataPoint.id != point.id))
    if clash is not None:
        raise InvalidInput(f"There is already a value for {period:%-d %B %Y}", field="period")
    point.period, point.period_kind, point.value = period, period_kind, value
    _set_note(point, note)
    _touch(actor, writeup, point.measure, confirmed_finding=confirmed_finding)
    db.session.commit()
    return point


def delete_point(actor: User, point: DataPoint) -> None:
    writeup = point.measure.writeup
    _check(actor, writeup)
    measure = point.measure
    db.session.delete(point)
    _touch(actor, writeup, measure)
    db.session.commit()
