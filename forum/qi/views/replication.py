"""Routes for replication and "We tried this" (moderation of write-ups in moderation.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import Length

from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.extensions import db
from forum.forms import BaseForm, show_error
from forum.moderation.guard import check_patient_data
from forum.qi import replication
from forum.qi.models import TriedIt, WriteUp
from forum.qi.views import bp
from forum.qi.views.writeups import load_writeup


class TriedForm(BaseForm):
    note = TextAreaField("What you did and how it went (optional)", validators=[
        Length(max=replication.NOTE_MAX,
               message=f"Your note must be {replication.NOTE_MAX:,} characters or fewer")])


def _page(writeup: WriteUp) -> str:
    return url_for("qi.show_writeup", writeup_id=writeup.id)


def _mine(writeup: WriteUp) -> TriedIt | None:
    return db.session.scalar(db.select(TriedIt).where(TriedIt.writeup_id == writeup.id,
                                                      TriedIt.user_id == current_user.id))


@bp.post("/<int:writeup_id>/replicate")
@login_required
def replicate(writeup_id: int) -> Response:
    original = load_writeup(writeup_id)
    replica = replication.replicate_writeup(current_user, original)
    flash("Your own draft has started from this project: its aim, driver diagram, measures and "
          "PDSA plan are copied. Add your data and results as you go.", "success")
    return redirect(url_for("qi.edit_writeup", writeup_id=replica.id), 303)


@bp.route("/<int:writeup_id>/tried", methods=["GET", "POST"])
@login_required
def tried(writeup_id: int):
    """Say "We tried this" with a short note, or change your note (works without JavaScript)."""
    writeup = load_writeup(writeup_id)
    mine = _mine(writeup)
    if mine is None and not replication.can_mark_tried(
            current_user, writeup, {m.user_id for m in writeup.team}):
        raise PermissionDenied("You cannot mark this project as tried: it is your team's own, "
                               "or not published.")
    form = TriedForm(data={"note": mine.note} if mine else None)
    pid = None
    if form.validate_on_submit():
        pid = check_patient_data(note=form.note.data)
        if not pid.blocked:
            finding = pid.summary if pid.findings else None
            try:
                if mine is None:
                    replication.mark_tried(current_user, writeup, note=form.note.data or "",
                                           confirmed_finding=finding)
                else:
                    replication.edit_tried(current_user, mine, note=form.note.data or "",
                                           confirmed_finding=finding)
            except InvalidInput as error:
                show_error(form, error)
            else:
                flash("Thank you: your note is on the project's page." if mine is None
                      else "Your note is changed.", "success")
                return redirect(_page(writeup) + "#tried", 303)
    return render_template("qi/tried.html", writeup=writeup, form=form, mine=mine, pid=pid,
                           pid_labels={"note": "note"})


@bp.post("/<int:writeup_id>/tried/remove")
@login_required
def remove_tried(writeup_id: int) -> Response:
    writeup = load_writeup(writeup_id)
    mine = _mine(writeup)
    if mine is None:
        raise NotFound("You have not marked this project as tried.")
    replication.remove_tried(current_user, mine)
    flash("Your “We tried this” note is removed.", "success")
    return redirect(_page(writeup) + "#tried", 303)


from forum.qi.views import moderation  # noqa: E402, F401  (its routes)
