"""The emails events send, queued through the outbox by the services (sent after commit).

Each says what happened, when (in London time, zone named), where, and, only to people with
a place, how to join online. Confirmations and changes carry the event as an .ics file.
Reminders, changes and cancellations also leave a member an in-app notification, written in
the same transaction as the email (and the reminder's once-only row), so each comes once.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app

from forum.auth import tokens
from forum.events import calendar, london
from forum.events.models import Event, Signup, SignupStatus
from forum.members.models import Status
from forum.notify import events as notify_events
from forum.notify.mail import queue_email


def _site() -> str:
    return current_app.config["SITE_NAME"]


link = calendar.site_link
GUEST_CANCEL_SALT = "forum.event-guest-cancel"


def guest_cancel_token(signup: Signup) -> str:
    """A guest has no account to cancel from: their emails carry a signed link instead."""
    fingerprint = tokens.fingerprint(signup.guest_email or "")
    return tokens.make(GUEST_CANCEL_SALT, {"id": signup.id, "e": fingerprint})


def _details(event: Event, *, with_link: bool) -> str:
    lines = [f"When: {london.show_span(event.starts_at, event.ends_at)}"]
    if event.is_in_person and event.venue.strip():
        lines.append(f"Where: {' '.join(event.venue.split())}")
        if event.accessibility.strip():
            lines.append(f"Access: {' '.join(event.accessibility.split())}")
    if event.is_online:
        if with_link and event.joining_link:
            lines.append(f"Join online: {event.joining_link}")
        elif not with_link:
            lines.append("The joining link is sent to people with a place.")
    lines.append(f"Details: {link('events.show_event', event_id=event.id)}")
    return "\n".join(lines)


def _send(signup: Signup, subject: str, opening: str, *, ics: bool, closing: str = "") -> None:
    event = signup.event
    text = (f"Hello {signup.name},\n\n{opening}\n\n{event.title}\n"
            f"{_details(event, with_link=signup.has_place)}\n")
    if closing:
        text += f"\n{closing}\n"
    if signup.user_id is None and signup.status in (SignupStatus.CONFIRMED, SignupStatus.WAITING) \
            and not event.is_cancelled:
        text += (f"\nTo cancel your place, open this link:\n"
                 f"{link('events.cancel_guest', token=guest_cancel_token(signup))}\n")
    attachments = [calendar.attachment(event, with_link=signup.has_place)] if ics else None
    queue_email(signup.email, subject, text, attachments=attachments)


CANCEL_HINT = "If you cannot come, please cancel so someone else can have your place."


def queue_confirmation(signup: Signup) -> None:
    _send(signup, f"Your place: {signup.event.title}", "You have a place at:", ics=True,
          closing=f"The event is attached as a calendar file. {CANCEL_HINT}")


def queue_waiting(signup: Signup) -> None:
    _send(signup, f"On the waiting list: {signup.event.title}",
          "The event is full, so you are on the waiting list for:", ics=False,
          closing="If a place comes up, it is yours: we will email you straight away.")


def queue_promoted(signup: Signup) -> None:
    _send(signup, f"A place has come up for you: {signup.event.title}",
          "A place has come up and it is yours. You do not need to do anything to accept it.",
          ics=True, closing=f"The event is attached as a calendar file. {CANCEL_HINT}")


def _tell(signup: Signup, kind: str, text: str) -> None:
    """The in-app twin of an email, for a member (a guest has only the email) still active."""
    if signup.user_id is not None and signup.user.status == Status.ACTIVE:
        notify_events.tell_member(signup.user_id, kind=kind, text=text,
                                  link=f"/events/{signup.event_id}")


def queue_reminder(signup: Signup, kind: str) -> None:
    when = "tomorrow" if kind == "day" else "in an hour"
    _send(signup, f"Reminder: {signup.event.title} starts {when}",
          f"A reminder that this event starts {when}:", ics=False, closing=CANCEL_HINT)
    _tell(signup, "event_reminder", f"“{signup.event.title}” starts {when}")


def queue_changed(signups: Iterable[Signup]) -> None:
    for signup in signups:
        _tell(signup, "event_changed", f"The organiser changed the time, place or joining link "
                                       f"of “{signup.event.title}”")
        _send(signup, f"Changed: {signup.event.title}",
              "The organiser has changed the details of this event. Here they are now:", ics=True,
              closing="The attached calendar file updates the entry in your calendar.")


def queue_cancelled(signups: Iterable[Signup]) -> None:
    for signup in signups:
        _tell(signup, "event_cancelled", f"“{signup.event.title}” has been cancelled")
        _send(signup, f"Cancelled: {signup.event.title}",
              "We are sorry: the organiser has cancelled this event.", ics=True,
              closing="The attached calendar file removes it from your calendar.")


def queue_guest_verification(signup: Signup, token: str) -> None:
    event = signup.event
    queue_email(signup.email, f"Confirm your email address to sign up: {event.title}", (
        f"Hello {signup.name},\n\n"
        f"You asked to sign up to {event.title} on {_site()} as a guest. To confirm your place, "
        f"open this link:\n\n{link('events.verify_guest', token=token)}\n\n"
        f"{_details(event, with_link=False)}\n\n"
        f"If you did not ask for this, you can ignore this email: nothing happens.\n"))
