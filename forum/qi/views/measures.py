"""Routes for a write-up's measures and their data: add, edit, reorder, delete; data row by
row, pasted or uploaded as CSV (checked first: wrong rows are listed and nothing is saved
until they are fixed or dropped); edit and delete single points."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from forum.errors import DomainError
from forum.forms import show_error
from forum.moderation import guard
from forum.qi import measure_queries as queries
from forum.qi import measures as services
from forum.qi.measure_forms import PASTE_MAX, MeasureForm, PasteForm, PointForm, UploadSeriesForm
from forum.qi.models import DataPoint, Measure, WriteUp
from forum.qi.policy import can_edit, can_read
from forum.qi.series import ParsedSeries, parse_csv, parse_table, parse_text
from forum.qi.views import bp

TABLE_ROWS = 5  # blank rows the row-by-row table starts with
TABLE_MAX = 60
CSV_MAX_BYTES = 2 * 1024 * 1024  # 5,000 rows with notes fit easily
TOO_MUCH_TEXT = "That is too much text: paste at most 5,000 rows. Nothing was saved."


def _editable(writeup: WriteUp) -> WriteUp:
    """404 for those who may not read it (a draft's existence must not leak), 403 for readers."""
    team, coauthors = queries.team_ids(writeup)
    if not can_read(current_user, writeup, team):
        abort(404)
    if not can_edit(current_user, writeup, coauthors):
        abort(403)
    return writeup


def _measure(measure_id: int) -> Measure:
    measure = queries.get_measure(measure_id) or abort(404)
    _editable(measure.writeup)
    return measure


def _back(writeup: WriteUp, anchor: str = "measures") -> str:
    return url_for("qi.measures", writeup_id=writeup.id, _anchor=anchor)


@bp.get("/<int:writeup_id>/measures")
def measures(writeup_id: int):
    """The measures and their charts on a page of their own (the write-up page shows them too)."""
    writeup = queries.get_writeup(writeup_id) or abort(404)
    team, coauthors = queries.team_ids(writeup)
    if not can_read(current_user, writeup, team):
        abort(404)
    return render_template("qi/measure_list.html", writeup=writeup, viewer=current_user,
                           can_edit=can_edit(current_user, writeup, coauthors),
                           **queries.measures_context(current_user, writeup))


def _measure_fields(form: MeasureForm) -> dict[str, Any]:
    return {"name": form.name.data or "", "kind": form.kind.data, "unit": form.unit.data or "",
            "definition": form.definition.data or "", "better": form.better.data or None,
            "target": float(form.target.data) if form.target.data is not None else None,
            "chart": form.chart.data, "is_primary": bool(form.is_primary.data)}


PID_LABELS = {"name": "measure's name", "definition": "operational definition",
              "notes": "notes", "note": "note"}


def _guarded(form: MeasureForm) -> guard.PatientDataCheck:
    return guard.check_patient_data(name=form.name.data, definition=form.definition.data)


def _finding(pid: guard.PatientDataCheck | None) -> str | None:
    """What the writer confirmed was not patient data, for the moderators' audit trail."""
    return pid.summary if pid is not None and pid.hold else None


@bp.route("/<int:writeup_id>/measures/new", methods=["GET", "POST"])
@login_required
def new_measure(writeup_id: int):
    writeup = _editable(queries.get_writeup(writeup_id) or abort(404))
    form, pid = MeasureForm(), None
    if form.validate_on_submit():
        pid = _guarded(form)
        if not pid.blocked:
            try:
                measure = services.add_measure(current_user, writeup, **_measure_fields(form),
                                                confirmed_finding=_finding(pid))
            except DomainError as error:
                show_error(form, error)
            else:
                flash(f"Measure “{measure.name}” added. Now add its data.")
                return redirect(url_for("qi.measure_data", measure_id=measure.id))
    return render_template("qi/measure_form.html", writeup=writeup, measure=None, form=form, pid=pid,
                           pid_labels=PID_LABELS)


@bp.route("/measures/<int:measure_id>/edit", methods=["GET", "POST"])
@login_required
def edit_measure(measure_id: int):
    measure = _measure(measure_id)
    form, pid = MeasureForm(obj=measure if request.method == "GET" else None), None
    if request.method == "GET":
        form.better.data = measure.better or ""
    if form.validate_on_submit():
        pid = _guarded(form)
        if not pid.blocked:
            try:
                services.edit_measure(current_user, measure, **_measure_fields(form),
                                      confirmed_finding=_finding(pid))
            except DomainError as error:
                show_error(form, error)
            else:
                flash("Measure saved.")
                return redirect(_back(measure.writeup, f"measure-{measure.id}"))
    return render_template("qi/measure_form.html", writeup=measure.writeup, measure=measure,
                           form=form, pid=pid, pid_labels=PID_LABELS)


@bp.route("/measures/<int:measure_id>/delete", methods=["GET", "POST"])
@login_required
def delete_measure(measure_id: int):
    measure = _measure(measure_id)
    if request.method == "POST":
        writeup = measure.writeup
        services.delete_measure(current_user, measure)
        flash(f"Measure “{measure.name}” and its data deleted.")
        return redirect(_back(writeup))
    return render_template("qi/measure_delete.html", writeup=measure.writeup, measure=measure,
                           count=len(queries.measure_points(measure)))


@bp.post("/measures/<int:measure_id>/move")
@login_required
def move_measure(measure_id: int):
    measure = _measure(measure_id)
    services.move_measure(current_user, measure, up=request.form.get("direction") != "down")
    return redirect(_back(measure.writeup, f"measure-{measure.id}"))


# --- the data: row by row, pasted or uploaded -----------------------------------------------

def _table_cells() -> list[tuple[str, str, str]]:
    form = request.form
    periods, values, notes = (form.getlist(k)[:TABLE_MAX] for k in ("period", "value", "note"))
    size = max(len(periods), len(values), len(notes))
    pad = lambda cells: [*cells, *[""] * (size - len(cells))]  # noqa: E731
    return list(zip(pad(periods), pad(values), pad(notes), strict=True))


def _save(measure: Measure, parsed: ParsedSeries, *, replace: bool, drop: bool,
          pid: guard.PatientDataCheck | None) -> str | None:
    """Save a checked series (dropping its wrong rows if asked); a message when it cannot."""
    if parsed.problem:
        return parsed.problem
    if parsed.errors and not drop:
        one = len(parsed.errors) == 1
        return (f"{len(parsed.errors)} {'row needs' if one else 'rows need'} fixing before "
                f"anything is saved: correct {'it' if one else 'them'}, or leave "
                f"{'it' if one else 'them'} out.")
    if not parsed.rows:
        return "There are no rows left to save."
    added, updated = services.save_points(current_user, measure, parsed.rows, replace=replace,
                                          confirmed_finding=_finding(pid))
    n = len(parsed.errors)
    dropped = f" {n} wrong {'row' if n == 1 else 'rows'} left out." if n else ""
    flash(f"{added} added, {updated} updated.{dropped} " + " ".join(parsed.notices))
    return None


@bp.route("/measures/<int:measure_id>/data", methods=["GET", "POST"])
@login_required
def measure_data(measure_id: int):
    measure = _measure(measure_id)
    # The mode is in the address, so it is known even when the body is too large to read.
    mode = request.args.get("mode", "") if request.method == "POST" else ""
    state: dict[str, Any] = {"mode": mode, "parsed": None, "error": None, "pid": None,
                             "cells": [("", "", "")] * TABLE_ROWS}
    if mode == "upload":
        request.max_content_length = CSV_MAX_BYTES + 64 * 1024
    elif mode == "paste":  # Flask keeps form text to 500 KB unless told; 5,000 rows may be more
        request.max_form_memory_size = PASTE_MAX * 4 + 64 * 1024
    try:
        paste, upload = PasteForm(prefix="paste"), UploadSeriesForm(prefix="upload")
        request.form  # noqa: B018  (reads the body here, so a too-large one is caught)
    except RequestEntityTooLarge:
        paste, upload = PasteForm(prefix="paste", formdata=None), UploadSeriesForm(
            prefix="upload", formdata=None)
        state["error"] = (TOO_MUCH_TEXT if mode == "paste" else
                          "The file is larger than 2 MB: a CSV of 5,000 rows is far smaller. "
                          "Check it is the right file.")
        return _data_page(measure, paste, upload, state, 413)
    if request.method == "POST" and paste.validate_on_submit():
        if mode == "rows" and "more" in request.form:  # another blank row, without a script
            state["cells"] = [*_table_cells(), ("", "", "")][:TABLE_MAX]
            return _data_page(measure, paste, upload, state)
        parsed, replace = _submitted_series(mode, paste, upload, state)
        if state["error"]:
            return _data_page(measure, paste, upload, state, 413)
        if parsed is None:
            abort(400)
        state["parsed"] = parsed
        notes = "\n".join(r.note for r in parsed.rows if r.note)
        pid = state["pid"] = guard.check_patient_data(notes=notes) if notes else None
        if pid is None or not pid.blocked:
            state["error"] = _save(measure, parsed, replace=replace, drop="drop" in request.form,
                                   pid=pid)
            if state["error"] is None:
                return redirect(_back(measure.writeup, f"measure-{measure.id}"))
        return _data_page(measure, paste, upload, state, 422 if state["error"] else 200)
    return _data_page(measure, paste, upload, state)


def _submitted_series(mode: str, paste: PasteForm, upload: UploadSeriesForm,
                      state: dict[str, Any]) -> tuple[ParsedSeries | None, bool]:
    """The series as sent by one of the page's three forms, checked; and whether it replaces."""
    if mode == "rows":
        state["cells"] = _table_cells()
        return parse_table(state["cells"]), False
    if mode == "paste":
        return parse_text(paste.text.data or ""), bool(paste.replace.data)
    if mode != "upload":
        return None, False
    data = upload.file.data.read(CSV_MAX_BYTES + 1) if upload.file.data else b""
    if len(data) > CSV_MAX_BYTES:
        state["error"] = "The file is larger than 2 MB. Check it is the right file."
        return None, False
    parsed, replace = parse_csv(data), bool(upload.replace.data)
    if parsed.encoding and not parsed.problem:
        # What was in the file goes into the paste box, to fix or drop rows there.
        paste.text.data, paste.replace.data, state["mode"] = parsed.source, replace, "paste"
    return parsed, replace


def _data_page(measure: Measure, paste: PasteForm, upload: UploadSeriesForm,
               state: dict[str, Any], status: int = 200):
    return render_template("qi/measure_data.html", writeup=measure.writeup, measure=measure,
                           points=queries.measure_points(measure), paste=paste, upload=upload,
                           period_label=queries.period_label, pid_labels=PID_LABELS,
                           **state), status


@bp.route("/points/<int:point_id>/edit", methods=["GET", "POST"])
@login_required
def edit_point(point_id: int):
    point: DataPoint = queries.get_point(point_id) or abort(404)
    measure = point.measure
    _editable(measure.writeup)
    form, pid = PointForm(), None
    if request.method == "GET":
        form.period.data, form.note.data = point.period.isoformat(), point.note
        form.value.data = f"{point.value:g}"
    if form.validate_on_submit():
        parsed = parse_table([(form.period.data, form.value.data, form.note.data or "")])
        if parsed.errors:
            reason = parsed.errors[0].reason
            (form.value if "number" in reason or "value" in reason else form.period).errors = [reason]
        else:
            pid = guard.check_patient_data(note=form.note.data)
            if not pid.blocked:
                row = parsed.rows[0]
                kind = point.period_kind if row.period_kind == "day" else row.period_kind
                try:
                    services.edit_point(current_user, point, period=row.period, period_kind=kind,
                                        value=row.value, note=row.note,
                                        confirmed_finding=_finding(pid))
                except DomainError as error:
                    show_error(form, error)
                else:
                    flash("Data point saved.")
                    return redirect(url_for("qi.measure_data", measure_id=measure.id))
    return render_template("qi/point_form.html", writeup=measure.writeup, measure=measure,
                           point=point, form=form, pid=pid, pid_labels=PID_LABELS)


@bp.post("/points/<int:point_id>/delete")
@login_required
def delete_point(point_id: int):
    point: DataPoint = queries.get_point(point_id) or abort(404)
    measure = point.measure
    _editable(measure.writeup)
    services.delete_point(current_user, point)
    flash(f"The value for {point.period:%-d %B %Y} deleted.")
    return redirect(url_for("qi.measure_data", measure_id=measure.id))

