"""Organisers' pages after an event: the attendance checklist, walk-ins, importing a Teams or
Zoom report (preview, then save), and the attendee list as CSV. On the events blueprint."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.errors import InvalidInput
from forum.events import attendance, importers, policy
from forum.events.attendance_forms import ImportForm, WalkInForm
from forum.events.models import Event
from forum.events.views import bp, load_event
from forum.events.views import signed_in as _signed_in
from forum.forms import BaseForm, show_error


def organised_event(event_id: int) -> Event:
    """The event, for a signed-in organiser of it (visitors are asked to sign in; others 403)."""
    _signed_in()
    event = load_event(event_id)
    policy.require_edit(current_user, event)
    return event


def _page(event: Event, *, walk_in: WalkInForm | None = None, upload: ImportForm | None = None,
          status: int = 200):
    rows = attendance.attendees(event)
    return render_template(
        "events/attendance.html", event=event, checklist=attendance.checklist(event),
        attendees=rows, present={a.signup_id for a in rows if a.signup_id},
        closed=policy.attendance_closed_reason(event), walk_in=walk_in or WalkInForm(),
        upload=upload or ImportForm(), share=attendance.short_share()), status


def _back(event: Event, anchor: str = ""):
    return redirect(url_for("events.record_attendance", event_id=event.id) + anchor, 303)


@bp.get("/events/<int:event_id>/attendance")
def record_attendance(event_id: int):
    return _page(organised_event(event_id))


@bp.post("/events/<int:event_id>/attendance")
def save_checklist(event_id: int):
    event = organised_event(event_id)
    if not BaseForm().validate_on_submit():
        flash("The form had expired. Try again.", "error")
        return _back(event)
    present = {int(v) for v in request.form.getlist("present") if v.isdigit()}
    try:
        added, removed = attendance.record_checklist(current_user, event, present)
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash(f"Attendance saved: {added} added, {removed} removed.", "success")
    return _back(event)


@bp.post("/events/<int:event_id>/attendance/walk-in")
def add_walk_in(event_id: int):
    event = organised_event(event_id)
    form = WalkInForm()
    if not form.validate_on_submit():
        return _page(event, walk_in=form, status=400)
    try:
        row = attendance.add_walk_in(current_user, event, name=form.name.data, email=form.email.data,
                                     profession=form.profession.data or "",
                                     organisation=form.organisation.data or "")
    except InvalidInput as error:
        show_error(form, error)
        return _page(event, walk_in=form, status=400)
    flash(f"{row.name} is recorded as attending.", "success")
    return _back(event, "#attendees-title")


@bp.post("/events/<int:event_id>/attendance/<int:attendance_id>/remove")
def remove_attendance(event_id: int, attendance_id: int):
    event = organised_event(event_id)
    if BaseForm().validate_on_submit():
        try:
            attendance.remove_attendance(current_user, event, attendance_id)
        except InvalidInput as error:
            flash(error.message, "error")
        else:
            flash("Removed from the attendance list.", "success")
    return _back(event, "#attendees-title")


@bp.post("/events/<int:event_id>/attendance/import")
def import_attendance(event_id: int):
    """Read the uploaded report and show what matched; nothing is saved yet."""
    event = organised_event(event_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(event, upload=form, status=400)
    try:
        report = importers.read_report(form.report.data.read(importers.MAX_BYTES + 1))
        preview = attendance.preview_import(current_user, event, report)
    except InvalidInput as error:
        show_error(form, error)
        return _page(event, upload=form, status=400)
    return render_template("events/import_preview.html", event=event, preview=preview)


@bp.post("/events/<int:event_id>/attendance/import/save")
def save_import(event_id: int):
    event = organised_event(event_id)
    if not BaseForm().validate_on_submit():
        flash("The form had expired. Upload the report again.", "error")
        return _back(event)
    choices = {int(k[7:]): v for k, v in request.form.items()
               if k.startswith("choice-") and k[7:].isdigit()}
    try:
        report = attendance.read_token(event, request.form.get("report", ""))
        added, updated = attendance.apply_import(current_user, event, report, choices)
    except InvalidInput as error:
        flash(error.message, "error")
        return _back(event)
    flash(f"Report imported: {added} added, {updated} updated." if added or updated else
          "Report imported: nothing changed (everyone in it was already recorded).", "success")
    return _back(event, "#attendees-title")


@bp.get("/events/<int:event_id>/attendees.csv")
def attendees_csv(event_id: int):
    event = organised_event(event_id)
    return Response(attendance.attendee_csv(event), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="event-{event.id}-attendees.csv"'})
