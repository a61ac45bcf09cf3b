"""Routes for the HCPC view: the record in date order, gap explanations, the personal statement."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.cpd import hcpc as services
from forum.cpd import queries, rules
from forum.cpd.forms import GapNoteForm, ProfileForm
from forum.cpd.views import bp
from forum.errors import DomainError
from forum.forms import show_error


@bp.get("/cpd/hcpc")
@login_required
def hcpc():
    return render_template("cpd/hcpc.html", view=queries.hcpc_view(current_user),
                           hours_text=rules.hours_text, word_count=services.word_count,
                           summary_words=services.SUMMARY_WORDS, statement_words=services.STATEMENT_WORDS)


def _gap(start: str) -> services.ExplainedGap:
    """The member's current gap starting on `start`, or 404 (a stale or made-up address)."""
    try:
        day = date.fromisoformat(start)
    except ValueError:
        abort(404)
    gaps = queries.hcpc_gaps(current_user)[3]
    gap = next((g for g in gaps if g.start == day), None) or abort(404)
    return services.explained(current_user, [gap])[0]


@bp.route("/cpd/hcpc/gaps/<start>", methods=["GET", "POST"])
@login_required
def explain_gap(start: str):
    item = _gap(start)
    form = GapNoteForm(data={"explanation": item.explanation} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            note = services.explain_gap(current_user, item.gap, form.explanation.data or "")
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Explanation saved." if note else "Explanation removed.")
            return redirect(url_for("cpd.hcpc", _anchor="hcpc-record"))
    return render_template("cpd/gap_form.html", form=form, item=item), 422 if form.errors else 200


@bp.route("/cpd/hcpc/statement", methods=["GET", "POST"])
@login_required
def statement():
    form = ProfileForm(obj=services.profile(current_user) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.save_profile(current_user, form.summary.data or "", form.statement.data or "")
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Personal statement saved.")
            return redirect(url_for("cpd.hcpc", _anchor="profile"))
    return render_template("cpd/statement_form.html", form=form, standards=services.STANDARDS,
                           word_count=services.word_count, summary_words=services.SUMMARY_WORDS,
                           statement_words=services.STATEMENT_WORDS), 422 if form.errors else 200
