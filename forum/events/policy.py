"""Who may see, run and sign up to events: every rule in one place, used by the views (to
refuse), the templates (to show or hide a button) and the services (to refuse again).

`viewer` is a User, Flask-Login's anonymous user, or None (a visitor).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Select

from forum.db import utcnow
from forum.discussions.policy import _user, is_member
from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.events.models import Event, EventOrganiser, EventStatus, Signup, SignupStatus
from forum.extensions import db
from forum.members.models import Role, Status

ONLY_ORGANISERS = "Only event organisers can do that."
ONLY_ADMINS = "Only organisers (admins) can choose who runs events."


def is_admin(viewer: Any) -> bool:
    user = _user(viewer)
    return bool(user and user.role == Role.ADMIN and user.status == Status.ACTIVE)


def is_event_organiser(viewer: Any) -> bool:
    """Active admins, and active members an admin made event organisers (asked once a request)."""
    user = _user(viewer)
    if not (user and user.status == Status.ACTIVE):
        return False
    if user.role == Role.ADMIN:
        return True
    # Asked once a request (the menu, the page and the service all ask): kept in the request's
    # own environ, which nothing outlives.
    cache = request.environ.setdefault("forum.event_organisers", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = db.session.get(EventOrganiser, user.id) is not None
    return cache[user.id]


def can_edit(viewer: Any, event: Event) -> bool:
    """Admins run every event; an event organiser runs the ones they created."""
    user = _user(viewer)
    if is_admin(viewer):
        return True
    return bool(user and is_event_organiser(viewer) and event.created_by_id == user.id)


def can_view(viewer: Any, event: Event) -> bool:
    """Drafts are their organisers'; members-only events need an active member."""
    if event.status == EventStatus.DRAFT:
        return can_edit(viewer, event)
    return event.is_public or is_member(viewer) or can_edit(viewer, event)


def visible_events(stmt: Select, viewer: Any) -> Select:
    """Listings: published or cancelled; public ones only, for visitors."""
    stmt = stmt.where(Event.status != EventStatus.DRAFT)
    return stmt if is_member(viewer) else stmt.where(Event.is_public)


def mine_or_all(stmt: Select, viewer: Any) -> Select:
    """The events an organiser runs (every event, for an admin)."""
    user = _user(viewer)
    if is_admin(viewer):
        return stmt
    return stmt.where(Event.created_by_id == (user.id if user else -1))


def require_organiser(viewer: Any) -> None:
    if not is_event_organiser(viewer):
        raise PermissionDenied(ONLY_ORGANISERS)


def require_edit(viewer: Any, event: Event) -> None:
    if not can_view(viewer, event):
        raise NotFound("No such event.")
    if not can_edit(viewer, event):
        raise PermissionDenied(ONLY_ORGANISERS)


def require_view(viewer: Any, event: Event) -> None:
    if not can_view(viewer, event):
        raise NotFound("No such event.")


def signup_closed_reason(event: Event, now: datetime | None = None) -> str | None:
    """Why no one can sign up now, in plain English; None while sign-up is open."""
    now = now or utcnow()
    if event.is_cancelled:
        return "This event has been cancelled."
    if not event.is_published:
        return "This event is not open for sign-up yet."
    if now >= event.starts_at:
        return "This event has started, so sign-up has closed."
    if event.signup_deadline and now >= event.signup_deadline:
        return "The sign-up deadline for this event has passed."
    return None


def can_sign_up_as_member(viewer: Any) -> bool:
    return is_member(viewer)


def can_sign_up_as_guest(viewer: Any, event: Event) -> bool:
    return _user(viewer) is None and event.is_public and event.allow_guests


def cancel_refused_reason(signup: Signup, now: datetime | None = None) -> str | None:
    if signup.status == SignupStatus.CANCELLED:
        return None
    if (now or utcnow()) >= signup.event.starts_at:
        return ("The event has already started, so your place can no longer be cancelled. "
                "If you cannot come, you do not need to do anything.")
    return None


def can_see_joining_link(viewer: Any, event: Event, signup: Signup | None) -> bool:
    """The joining link is for people with a place, and for the event's organisers."""
    return bool(signup and signup.has_place) or can_edit(viewer, event)


def attendance_closed_reason(event: Event, now: datetime | None = None) -> str | None:
    """Attendance is recorded once an event has started (and never for a draft or a cancelled
    event)."""
    if event.status != EventStatus.PUBLISHED:
        return "Attendance can only be recorded for a published event that went ahead."
    if (now or utcnow()) < event.starts_at:
        return "You can record attendance once the event has started."
    return None


def can_record_attendance(viewer: Any, event: Event) -> bool:
    return can_edit(viewer, event) and attendance_closed_reason(event) is None


def require_attendance(viewer: Any, event: Event) -> None:
    """Organisers of the event, after it has started."""
    require_edit(viewer, event)
    if reason := attendance_closed_reason(event):
        raise InvalidInput(reason)


def can_give_feedback(viewer: Any, event: Event, attended: bool) -> bool:
    """Members who attended, while the organiser has the feedback form open."""
    return bool(event.feedback_open and attended and is_member(viewer))
