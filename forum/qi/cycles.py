"""PDSA cycles: the change tested, plan (with a prediction), do, study, act, dates; each may
be marked on one of the write-up's measures' charts and may rebase its limits."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select

from forum.errors import InvalidInput
from forum.extensions import db
from forum.markup import render
from forum.members.models import User
from forum.qi.models import DriverNode, Measure, PdsaAct, PdsaCycle, WriteUp
from forum.qi.services import clean_line, clean_markdown, keep_revision, require_edit, touched

CYCLE_TEXT_FIELDS = ("plan", "prediction", "do", "study", "act_notes")
MAX_CYCLES = 100


def _apply(cycle: PdsaCycle, writeup: WriteUp, fields: Mapping[str, Any]) -> None:
    change_idea = clean_line(fields.get("change_idea"), field="change_idea", limit=300)
    node: DriverNode | None = fields.get("change_node")
    if node is not None:
        if node.writeup_id != writeup.id or node.depth != 2:
            raise InvalidInput("Choose a change idea from this write-up's driver diagram",
                               field="change_node")
        change_idea = change_idea or node.text
    if not change_idea:
        raise InvalidInput("Enter the change you tested, or choose one from the driver diagram",
                           field="change_idea")
    cycle.change_idea = change_idea
    cycle.change_node_id = node.id if node is not None else None
    for name in CYCLE_TEXT_FIELDS:
        source = clean_markdown(fields.get(name), field=name)
        setattr(cycle, name, source)
        setattr(cycle, f"{name}_html", render(source) if source else "")
    act = fields.get("act") or None
    if act is not None and act not in {a.value for a in PdsaAct}:
        raise InvalidInput("Choose adopt, adapt or abandon", field="act")
    cycle.act = act
    started, ended = fields.get("started_on"), fields.get("ended_on")
    for name, value in (("started_on", started), ("ended_on", ended)):
        if value is not None and not date(2000, 1, 1) <= value <= date(2100, 1, 1):
            raise InvalidInput("Enter a date between 2000 and 2100", field=name)
    if started and ended and ended < started:
        raise InvalidInput("The end date must be on or after the start date", field="ended_on")
    cycle.started_on, cycle.ended_on = started, ended
    measure: Measure | None = fields.get("measure")
    if measure is not None and measure.writeup_id != writeup.id:
        raise InvalidInput("Choose one of this write-up's measures", field="measure")
    cycle.measure_id = measure.id if measure is not None else None
    cycle.rebase = bool(fields.get("rebase")) and measure is not None
    if fields.get("rebase") and measure is None:
        raise InvalidInput("Choose the measure whose chart this change rebases", field="measure")
    if cycle.rebase and started is None:
        raise InvalidInput("Enter when the cycle started: the chart is rebased from that date",
                           field="started_on")


def _save(actor: User, writeup: WriteUp, confirmed_finding: str | None) -> None:
    keep_revision(actor, writeup)
    touched(actor, writeup, confirmed_finding=confirmed_finding)
    db.session.commit()


def add_cycle(actor: User, writeup: WriteUp, fields: Mapping[str, Any], *,
              confirmed_finding: str | None = None) -> PdsaCycle:
    require_edit(actor, writeup)
    count = db.session.scalar(select(func.count()).select_from(PdsaCycle)
                              .where(PdsaCycle.writeup_id == writeup.id)) or 0
    if count >= MAX_CYCLES:
        raise InvalidInput(f"A write-up can have up to {MAX_CYCLES} PDSA cycles", field="change_idea")
    cycle = PdsaCycle(writeup_id=writeup.id, position=count)
    try:
        _apply(cycle, writeup, fields)
    except InvalidInput:
        db.session.rollback()
        raise
    db.session.add(cycle)
    db.session.flush()
    _save(actor, writeup, confirmed_finding)
    return cycle


def edit_cycle(actor: User, cycle: PdsaCycle, fields: Mapping[str, Any], *,
               confirmed_finding: str | None = None) -> PdsaCycle:
    writeup = cycle.writeup
    require_edit(actor, writeup)
    try:
        _apply(cycle, writeup, fields)
    except InvalidInput:
        db.session.rollback()
        raise
    _save(actor, writeup, confirmed_finding)
    return cycle


def delete_cycle(actor: User, cycle: PdsaCycle) -> None:
    writeup = cycle.writeup
    require_edit(actor, writeup)
    db.session.delete(cycle)
    db.session.flush()
    rest = db.session.scalars(select(PdsaCycle).where(PdsaCycle.writeup_id == writeup.id)
                              .order_by(PdsaCycle.position, PdsaCycle.id))
    for position, other in enumerate(rest):
        other.position = position
    _save(actor, writeup, None)
