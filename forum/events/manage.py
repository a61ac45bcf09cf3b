"""Organisers' pages: create, edit, publish and cancel events, see who signed up (and their
answers), and, for admins, choose who may run events."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.errors import InvalidInput, PermissionDenied
from forum.events import policy, queries, services
from forum.events.forms import CancelForm, EventForm, OrganiserForm
from forum.events.models import Event, Kind
from forum.events.views import bp, load_event
from forum.events.views import signed_in as _signed_in
from forum.forms import BaseForm, show_error
from forum.moderation.guard import check_patient_data

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _input(form: EventForm, starts, ends, deadline) -> services.EventInput:
    boards, alliances, professions = queries.choices()
    by_id = {p.id: p for p in professions}
    names, emails = [], []
    for line in (form.speakers.data or "").splitlines():
        (emails if EMAIL.match(line.strip()) else names).append(line.strip())
    members = queries.members_by_email(emails)
    missing = [e for e in emails if e.lower() not in members]
    if missing:
        raise InvalidInput(f"No member has the email address {missing[0]}. Write their name instead",
                           field="speakers")
    return services.EventInput(
        title=form.title.data or "", kind=Kind(form.kind.data), starts_at=starts, ends_at=ends,
        capacity=form.capacity.data, signup_deadline=deadline,
        board=next((b for b in boards if b.id == form.board.data), None),
        alliance=next((a for a in alliances if a.id == form.alliance.data), None),
        professions=[by_id[i] for i in form.professions.data or [] if i in by_id],
        venue=form.venue.data or "", accessibility=form.accessibility.data or "",
        joining_link=form.joining_link.data or "", description=form.description.data or "",
        speakers="\n".join(n for n in names if n),
        speaker_members=list(members.values()), questions=form.questions.data or "",
        is_public=form.is_public.data, allow_guests=form.allow_guests.data)


def _event_form(event: Event | None):
    form = EventForm(obj=None)
    form.set_choices(*queries.choices())
    pid = None
    if request.method == "GET" and event is not None:
        form = EventForm(formdata=None, data={
            "title": event.title, "kind": event.kind.value, "board": event.board_id,
            "alliance": event.alliance_id, "professions": [p.id for p in event.professions],
            "capacity": event.capacity, "venue": event.venue, "accessibility": event.accessibility,
            "joining_link": event.joining_link, "description": event.description,
            "speakers": "\n".join([s.user.email for s in event.member_speakers] + event.speaker_names),
            "questions": event.questions, "is_public": event.is_public,
            "allow_guests": event.allow_guests})
        form.set_choices(*queries.choices())
        form.fill_times(event.starts_at, event.ends_at, event.signup_deadline)
    elif request.method == "POST":
        valid = form.validate_on_submit()
        times = form.instants()
        pid = check_patient_data(title=form.title.data, body=form.description.data)
        if valid and times and not pid.blocked:
            try:
                data = _input(form, *times)
                if event is None:
                    event = services.create_event(current_user, data)
                    flash("Event saved as a draft. Publish it when it is ready.", "success")
                else:
                    services.update_event(current_user, event, data)
                    flash("Event updated.", "success")
                return redirect(url_for("events.show_event", event_id=event.id), 303)
            except InvalidInput as error:
                show_error(form, error)
    return render_template("events/form.html", form=form, event=event, pid=pid)


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    _signed_in()
    policy.require_organiser(current_user)
    return _event_form(None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int):
    _signed_in()
    event = load_event(event_id)
    policy.require_edit(current_user, event)
    return _event_form(event)


@bp.post("/events/<int:event_id>/publish")
def publish_event(event_id: int):
    _signed_in()
    event = load_event(event_id)
    policy.require_edit(current_user, event)
    if BaseForm().validate_on_submit():
        try:
            services.publish_event(current_user, event)
        except InvalidInput as error:
            flash(error.message, "error")
        else:
            flash("Event published: people can now see it and sign up.", "success")
    return redirect(url_for("events.show_event", event_id=event.id), 303)


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel_event(event_id: int):
    _signed_in()
    event = load_event(event_id)
    policy.require_edit(current_user, event)
    form = CancelForm()
    if form.validate_on_submit():
        services.cancel_event(current_user, event, reason=form.reason.data or "")
        flash("Event cancelled. Everyone with a place or on the waiting list is being emailed.", "success")
        return redirect(url_for("events.show_event", event_id=event.id), 303)
    return render_template("events/cancel.html", event=event, form=form)


@bp.get("/events/mine")
def my_events():
    _signed_in()
    policy.require_organiser(current_user)
    return render_template("events/mine.html", events=queries.organiser_events(current_user))


@bp.get("/events/<int:event_id>/people")
def people(event_id: int):
    _signed_in()
    event = load_event(event_id)
    policy.require_edit(current_user, event)
    return render_template("events/people.html", event=event, signups=queries.signups(event))


@bp.route("/events/organisers", methods=["GET", "POST"])
def organisers():
    _signed_in()
    if not policy.is_admin(current_user):
        raise PermissionDenied(policy.ONLY_ADMINS)
    form = OrganiserForm()
    if form.validate_on_submit():
        member = queries.members_by_email([form.email.data.strip()]).get(form.email.data.strip().lower())
        if member is None:
            form.email.errors = ["No member has that email address"]
        else:
            services.grant_organiser(current_user, member)
            flash(f"{member.display_name} can now run events.", "success")
            return redirect(url_for("events.organisers"), 303)
    return render_template("events/organisers.html", form=form, organisers=queries.event_organisers())


@bp.post("/events/organisers/<int:user_id>/remove")
def remove_organiser(user_id: int):
    _signed_in()
    if not policy.is_admin(current_user):
        raise PermissionDenied(policy.ONLY_ADMINS)
    row = next((o for o in queries.event_organisers() if o.user_id == user_id), None)
    if row is not None and BaseForm().validate_on_submit():
        services.revoke_organiser(current_user, row.user)
        flash(f"{row.user.display_name} can no longer run events.", "success")
    return redirect(url_for("events.organisers"), 303)
