"""The events pages anyone may open: the list, an event, signing up and cancelling, the
calendar files. Organisers' pages are in forum.events.manage (the same blueprint)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.auth import tokens
from forum.db import utcnow
from forum.errors import InvalidInput, NotFound
from forum.events import attendance, calendar, feedback, london, outcomes, policy, queries, signups
from forum.events.feeds import events_feed
from forum.events.forms import FilterForm, GuestForm, answers_from
from forum.events.models import KIND_LABELS, Event
from forum.feeds.registry import register_feed
from forum.forms import BaseForm, show_error
from forum.notify import follows

bp = Blueprint("events", __name__)


@bp.record_once
def _template_globals(state) -> None:
    state.app.jinja_env.globals.update(event_policy=policy, london=london, event_kinds=KIND_LABELS)
    register_feed(state.app, "events", events_feed)  # /feeds/events


class _Unauthorized(Exception):
    pass


def signed_in() -> None:
    """Organisers' pages: a visitor is asked to sign in (and comes back), not refused."""
    if not current_user.is_authenticated:
        raise _Unauthorized


@bp.errorhandler(_Unauthorized)
def _ask_to_sign_in(error):
    return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]


def load_event(event_id: int) -> Event:
    event = queries.get_event(event_id)
    if event is None:
        raise NotFound("No such event.")
    return event


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), 1000)


@bp.get("/events")
def index():
    _, alliances, professions = queries.choices()
    form = FilterForm(formdata=request.args)
    form.alliance.choices = [("", "Any alliance")] + [(a.id, a.name) for a in alliances]
    form.profession.choices = [("", "Any profession")] + [(p.id, p.name) for p in professions]
    past = request.args.get("when") == "past"
    events, more = queries.listing(current_user, past=past, page=_page(), **form.clean())
    return render_template("events/index.html", events=events, more=more, past=past, form=form,
                           mine=queries.my_signups(current_user, events), page=_page())


@bp.get("/events.ics")
def feed():
    body = calendar.feed_ics(queries.feed_events(), f"{current_app.config['SITE_NAME']} events")
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="events.ics"'})


def _event_page(event: Event, *, guest_form: GuestForm | None = None, status: int = 200):
    signup = queries.signup_for(current_user, event)
    attended = bool(attendance.attended_ids(current_user, [event.id]))
    return render_template(
        "events/event.html", event=event, signup=signup, attended=attended,
        outcomes=outcomes.outcomes_of(event) if event.ends_at <= utcnow() else [],
        feedback_due=policy.can_give_feedback(current_user, event, attended)
        and not feedback.has_given(current_user, event),
        position=queries.waiting_position(signup) if signup else None,
        closed=policy.signup_closed_reason(event),
        show_link=policy.can_see_joining_link(current_user, event, signup),
        guest_form=guest_form or (GuestForm() if policy.can_sign_up_as_guest(current_user, event)
                                  else None)), status


@bp.get("/events/<int:event_id>")
def show_event(event_id: int):
    event = load_event(event_id)
    if not current_user.is_authenticated and not event.is_public and event.status != "draft":
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    policy.require_view(current_user, event)
    return _event_page(event)


@bp.post("/events/<int:event_id>/follow")
def follow_event(event_id: int):
    """Follow or stop following a published event the member can see."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    event = load_event(event_id)
    policy.require_view(current_user, event)
    if not event.is_published:
        raise NotFound("No such event.")
    on = request.form.get("follow") != "0"
    follows.follow_target(current_user, follows.EVENT, event.id, on=on)
    flash("You are following this event." if on else "You have stopped following this event.",
          "success")
    return redirect(url_for("events.show_event", event_id=event.id), 303)


@bp.get("/events/<int:event_id>/event.ics")
def event_ics(event_id: int):
    event = load_event(event_id)
    policy.require_view(current_user, event)
    signup = queries.signup_for(current_user, event)
    body = calendar.event_ics(event, with_link=policy.can_see_joining_link(current_user, event, signup))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="event-{event.id}.ics"'})


@bp.post("/events/<int:event_id>/sign-up")
def sign_up(event_id: int):
    event = load_event(event_id)
    policy.require_view(current_user, event)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    if not BaseForm().validate_on_submit():
        flash("The form had expired. Try again.", "error")
        return redirect(url_for("events.show_event", event_id=event.id), 303)
    try:
        signup = signups.sign_up(current_user, event,
                                 answers=answers_from(request.form, event.question_list))
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        if signup.has_place:
            flash("You have a place. We have emailed you the details and a calendar file.", "success")
        else:
            flash("The event is full, so you are on the waiting list. If a place comes up, "
                  "it is yours and we will email you.", "success")
    return redirect(url_for("events.show_event", event_id=event.id), 303)


@bp.post("/events/<int:event_id>/cancel-place")
def cancel_place(event_id: int):
    event = load_event(event_id)
    policy.require_view(current_user, event)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    signup = queries.signup_for(current_user, event)
    if signup is None or not BaseForm().validate_on_submit():
        return redirect(url_for("events.show_event", event_id=event.id), 303)
    try:
        signups.cancel_signup(current_user, signup)
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash("Your sign-up is cancelled.", "success")
    return redirect(url_for("events.show_event", event_id=event.id), 303)


@bp.post("/events/<int:event_id>/guest")
def sign_up_guest(event_id: int):
    event = load_event(event_id)
    policy.require_view(current_user, event)
    if not policy.can_sign_up_as_guest(current_user, event):
        raise NotFound("No such page.")
    form = GuestForm()
    if not form.validate_on_submit():
        return _event_page(event, guest_form=form, status=400)
    try:
        signups.sign_up_guest(event, name=form.name.data, email=form.email.data,
                              profession=form.profession.data, organisation=form.organisation.data,
                              answers=answers_from(request.form, event.question_list))
    except InvalidInput as error:
        show_error(form, error)
        return _event_page(event, guest_form=form, status=400)
    return render_template("events/check_email.html", event=event, email=form.email.data)


@bp.route("/events/guest/<token>", methods=["GET", "POST"])
def verify_guest(token: str):
    """The link in a guest's email: a button (so mail scanners opening links change nothing)."""
    form = BaseForm()
    try:
        signup = signups.guest_for_token(token)
        if form.validate_on_submit():
            signup = signups.verify_guest(token)
            return redirect(url_for("events.guest_done", event_id=signup.event_id,
                                    waiting=int(not signup.has_place)), 303)
    except tokens.BadToken:
        return render_template("events/link_problem.html"), 400
    except InvalidInput as error:
        return render_template("events/link_problem.html", reason=error.message), 400
    return render_template("events/verify_guest.html", form=form, signup=signup)


@bp.route("/events/guest/<token>/cancel", methods=["GET", "POST"])
def cancel_guest(token: str):
    """The cancel link in a guest's emails: a button, then the place goes to whoever waits."""
    form = BaseForm()
    try:
        signup = signups.guest_for_cancel_token(token)
        if form.validate_on_submit():
            signup = signups.cancel_guest_signup(token)
            flash("Your sign-up is cancelled.", "success")
            return redirect(url_for("events.show_event", event_id=signup.event_id), 303)
    except tokens.BadToken:
        return render_template("events/link_problem.html"), 400
    except InvalidInput as error:
        return render_template("events/link_problem.html", reason=error.message), 400
    return render_template("events/cancel_guest.html", form=form, signup=signup)


@bp.get("/events/<int:event_id>/guest/done")
def guest_done(event_id: int):
    event = load_event(event_id)
    policy.require_view(current_user, event)
    return render_template("events/guest_done.html", event=event,
                           waiting=request.args.get("waiting") == "1")


# The organisers' routes, the after-the-event pages and the yearly report, on this blueprint.
from forum.events import attendance_views, learning_views, manage, report_views  # noqa: E402, F401
