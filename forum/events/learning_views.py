"""After an event: its learning outcomes, recording and slides (organisers), the feedback form
(attendees), the anonymous feedback summary (organisers), and "Events you attended"."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.events import feedback, outcomes, policy, queries
from forum.events.attendance_forms import FeedbackForm, OutcomesForm
from forum.events.attendance_views import organised_event
from forum.events.outcomes import STANDARD_OUTCOMES
from forum.events.views import bp, load_event
from forum.forms import BaseForm, show_error


@bp.route("/events/<int:event_id>/outcomes", methods=["GET", "POST"])
def edit_outcomes(event_id: int):
    event = organised_event(event_id)
    form = OutcomesForm()
    if request.method == "GET":
        have = outcomes.outcomes_of(event)
        form = OutcomesForm(formdata=None, data={
            "chosen": [o for o in have if o in STANDARD_OUTCOMES],
            "others": "\n".join(o for o in have if o not in STANDARD_OUTCOMES),
            "recording_url": event.recording_url, "slides_url": event.slides_url})
    elif form.validate_on_submit():
        try:
            outcomes.save_outcomes(current_user, event, chosen=form.chosen.data or [],
                                   others=form.others.data or "",
                                   recording_url=form.recording_url.data or "",
                                   slides_url=form.slides_url.data or "")
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash("Learning outcomes, recording and slides saved.", "success")
            return redirect(url_for("events.show_event", event_id=event.id), 303)
    return render_template("events/outcomes.html", event=event, form=form), 400 if form.errors else 200


@bp.post("/events/<int:event_id>/feedback/open")
def open_feedback(event_id: int):
    event = organised_event(event_id)
    if BaseForm().validate_on_submit():
        is_open = request.form.get("open") == "1"
        try:
            feedback.set_feedback_open(current_user, event, is_open)
        except InvalidInput as error:
            flash(error.message, "error")
        else:
            flash("The feedback form is open to attendees." if is_open else
                  "The feedback form is closed.", "success")
    return redirect(url_for("events.feedback_summary", event_id=event.id), 303)


@bp.route("/events/<int:event_id>/feedback", methods=["GET", "POST"])
@login_required
def give_feedback(event_id: int):
    event = load_event(event_id)
    policy.require_view(current_user, event)
    if feedback.has_given(current_user, event):
        return render_template("events/feedback.html", event=event, form=None, given=True)
    if not policy.can_give_feedback(current_user, event, feedback.has_attended(current_user, event)):
        raise PermissionDenied("Feedback is open to people who attended, while the organiser has "
                               "the form open.")
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            feedback.give_feedback(current_user, event, rating=form.rating.data,
                                   learnt=form.learnt.data, change=form.change.data,
                                   comments=form.comments.data or "")
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash("Thank you for your feedback.", "success")
            return redirect(url_for("events.show_event", event_id=event.id), 303)
    return render_template("events/feedback.html", event=event, form=form, given=False), \
        400 if form.errors else 200


@bp.get("/events/<int:event_id>/feedback/summary")
def feedback_summary(event_id: int):
    event = organised_event(event_id)
    return render_template("events/feedback_summary.html", event=event,
                           summary=feedback.summary(event),
                           closed=policy.attendance_closed_reason(event))


@bp.get("/events/attended")
@login_required
def attended():
    """The member's own record of the events they came to (the proof they ask for)."""
    if not current_user.is_active:
        raise NotFound("No such page.")
    return render_template("events/attended.html", rows=queries.attended_by(current_user))
