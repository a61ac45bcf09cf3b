"""Routes for reflective accounts: private drafts, guarded against patient data."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.cpd import queries
from forum.cpd import reflections as services
from forum.cpd.forms import ReflectionForm
from forum.cpd.models import Reflection
from forum.cpd.views import bp
from forum.errors import DomainError
from forum.forms import show_error
from forum.moderation import guard

PID_LABELS = {"nature": "first answer", "learned": "second answer", "changed": "third answer",
              "code_relevance": "answer about the Code"}


def _form(reflection: Reflection | None) -> ReflectionForm:
    form = ReflectionForm(obj=reflection if request.method == "GET" else None)
    form.entry_id.choices = {"": "Not linked to an entry"} | {
        str(e.id): f"{e.topic} ({e.start_date:%d %b %Y})" for e in queries.entries(current_user)}
    if request.method == "GET":
        chosen = reflection.entry_id if reflection else request.args.get("entry", type=int)
        form.entry_id.data = str(chosen) if chosen else ""
    return form


def _input(form: ReflectionForm) -> services.ReflectionInput:
    entry = form.entry_id.data or ""
    return services.ReflectionInput(
        entry_id=int(entry) if entry.isdigit() and len(entry) < 10 else None,
        nature=form.nature.data or "", learned=form.learned.data or "", changed=form.changed.data or "",
        code_theme=form.code_theme.data or "", code_relevance=form.code_relevance.data or "",
        is_draft=request.form.get("action") != "finish")


def _edit(reflection: Reflection | None):
    form, pid = _form(reflection), None
    if form.validate_on_submit():
        data = _input(form)
        # Nobody else reads a reflection, so nothing is held: the writer confirms, then it saves.
        pid = guard.check_patient_data(nature=data.nature, learned=data.learned, changed=data.changed,
                                       code_relevance=data.code_relevance)
        if not pid.blocked:
            try:
                saved = services.save_reflection(current_user, data, reflection)
            except DomainError as error:
                show_error(form, error)
            else:
                flash("Reflection saved as a draft." if saved.is_draft else "Reflection saved.")
                return redirect(url_for("cpd.index", _anchor="reflections"))
    status = 422 if form.errors or (pid and pid.blocked) else 200
    return render_template("cpd/reflection_form.html", form=form, reflection=reflection, pid=pid,
                           pid_labels=PID_LABELS, pid_private=True, questions=services.QUESTIONS), status


@bp.route("/cpd/reflections/new", methods=["GET", "POST"])
@login_required
def new_reflection():
    return _edit(None)


@bp.route("/cpd/reflections/<int:reflection_id>", methods=["GET", "POST"])
@login_required
def edit_reflection(reflection_id: int):
    return _edit(queries.reflection(current_user, reflection_id) or abort(404))


@bp.post("/cpd/reflections/<int:reflection_id>/delete")
@login_required
def delete_reflection(reflection_id: int):
    reflection = queries.reflection(current_user, reflection_id) or abort(404)
    services.delete_reflection(current_user, reflection)
    flash("Reflection deleted.")
    return redirect(url_for("cpd.index", _anchor="reflections"))
