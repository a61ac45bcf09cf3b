"""Joining and leaving the list: sign-up with double opt-in, confirmation by a signed link,
a member's one-click choice in their settings, unsubscribing (one click, RFC 8058, no
session), suppressions, and bounces.

Every change of consent writes a ConsentEvent with the words and version shown, so the
record says when, from where and to what someone agreed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from forum.auth import tokens
from forum.db import utcnow
from forum.errors import InvalidInput
from forum.extensions import db
from forum.members.models import User
from forum.newsletter import consent
from forum.newsletter.models import ConsentEvent, Subscriber, SubscriberStatus, Suppression
from forum.notify.emails import absolute, site
from forum.notify.mail import queue_email
from forum.notify.models import OutboxMessage
from forum.notify.preferences import BOUNCE_LIMIT, signature

CONFIRM_SALT = "forum.newsletter-confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600
UNSUBSCRIBE_KIND = "newsletter"  # in the notify unsubscribe signature: a different message


def normalise(email: str) -> str:
    return email.strip().lower()


def email_hash(email: str) -> str:
    return hashlib.sha256(normalise(email).encode()).hexdigest()


def is_suppressed(email: str) -> bool:
    return db.session.get(Suppression, email_hash(email)) is not None


def suppress(email: str, reason: str) -> None:
    """Keep `email` off the list for good (the caller commits); the first reason stays."""
    if db.session.get(Suppression, email_hash(email)) is None:
        db.session.add(Suppression(email_hash=email_hash(email), reason=reason))


def find(email: str) -> Subscriber | None:
    return db.session.scalar(select(Subscriber).where(func.lower(Subscriber.email) == normalise(email)))


def find_for_member(user: User) -> Subscriber | None:
    """The member's subscription: linked to them, or made with their address before they joined."""
    row = db.session.scalar(select(Subscriber).where(Subscriber.user_id == user.id))
    return row or find(user.email)


def record(subscriber: Subscriber, action: str, *, source: str = "", detail: str = "",
           version: str = "", text: str = "") -> None:
    db.session.add(ConsentEvent(subscriber_id=subscriber.id, action=action, source=source,
                                detail=detail[:200], consent_version=version, consent_text=text))


def _give_consent(subscriber: Subscriber, *, source: str, detail: str = "") -> None:
    """The current wording, recorded as what `subscriber` just agreed to."""
    subscriber.source, subscriber.source_detail = source, detail[:200]
    subscriber.consent_version, subscriber.consent_text = consent.CURRENT, consent.current_text()
    subscriber.consent_at = utcnow()
    db.session.flush()
    record(subscriber, "given", source=source, detail=detail, version=consent.CURRENT,
           text=consent.current_text())


def new_subscriber(email: str, **fields) -> Subscriber:
    subscriber = Subscriber(email=email.strip(), key=secrets.token_hex(16), **fields)
    db.session.add(subscriber)
    return subscriber


# --- sign-up and confirmation --------------------------------------------------------------

def sign_up(*, email: str, name: str = "", profession: str = "", organisation: str = "",
            source: str = "form", agreed: bool) -> Subscriber | None:
    """Start a subscription from the public form and email the confirmation link.

    Says nothing about whether the address is already on the list (that would tell anyone
    who is): someone already subscribed gets nothing new; anyone else gets the link again.
    """
    if not agreed:
        raise InvalidInput("Tick the box to say you agree to get the newsletter", field="agree")
    subscriber = find(email)
    if subscriber is not None and subscriber.status == SubscriberStatus.SUBSCRIBED:
        return subscriber
    if subscriber is None:
        subscriber = new_subscriber(email, name=name.strip(), profession=profession.strip(),
                          organisation=organisation.strip())
        try:
            db.session.flush()
        except IntegrityError:  # the same address at the same moment: one row wins
            db.session.rollback()
            return find(email)
    else:
        subscriber.name = name.strip() or subscriber.name
        subscriber.profession = profession.strip() or subscriber.profession
        subscriber.organisation = organisation.strip() or subscriber.organisation
        subscriber.status = SubscriberStatus.PENDING
    _give_consent(subscriber, source=source)
    link = absolute(f"/newsletter/confirm/{confirm_token(subscriber)}")
    queue_email(subscriber.email, f"Confirm you want the {site()} newsletter",
                f"Hello{' ' + subscriber.name if subscriber.name else ''},\n\n"
                f"Someone (we hope you) asked to get the {site()} newsletter at this address.\n"
                f"To confirm, open this link within 7 days:\n\n{link}\n\n"
                f"If it was not you, ignore this email: you will get nothing more from us.\n")
    db.session.commit()
    return subscriber


def _fingerprint(subscriber: Subscriber) -> str:
    # Changes once confirmed (or after unsubscribing), so a link works once.
    return tokens.fingerprint(f"{subscriber.key}:{subscriber.status}:{subscriber.consent_at}")


def confirm_token(subscriber: Subscriber) -> str:
    return tokens.make(CONFIRM_SALT, {"id": subscriber.id, "f": _fingerprint(subscriber)})


def subscriber_for_confirmation(token: str) -> Subscriber | None:
    """The pending subscriber a confirmation link is for; None if forged, expired or used."""
    try:
        payload = tokens.read(CONFIRM_SALT, token, CONFIRM_MAX_AGE)
    except tokens.BadToken:
        return None
    subscriber = db.session.get(Subscriber, payload["id"])
    if subscriber is None or not hmac.compare_digest(str(payload.get("f", "")),
                                                     _fingerprint(subscriber)):
        return None
    return subscriber if subscriber.status == SubscriberStatus.PENDING else None


def _mark_confirmed(subscriber: Subscriber, *, source: str, detail: str = "",
                    version: str) -> None:
    """Subscribed from now. A fresh, confirmed consent lifts an earlier suppression (they
    asked again, themselves). The caller commits."""
    subscriber.status, subscriber.confirmed_at = SubscriberStatus.SUBSCRIBED, utcnow()
    subscriber.unsubscribed_at, subscriber.bounce_count = None, 0
    db.session.execute(delete(Suppression).where(Suppression.email_hash == email_hash(subscriber.email)))
    record(subscriber, "confirmed", source=source, detail=detail, version=version)


def confirm(subscriber: Subscriber) -> None:
    """The emailed link was followed: the address is theirs and they want the newsletter."""
    _mark_confirmed(subscriber, source=subscriber.source, version=subscriber.consent_version)
    db.session.commit()


# --- joining the forum with the box ticked -----------------------------------------------

REGISTRATION = "register"  # the source of a consent given on the registration form


def consent_at_registration(user: User, *, version: str) -> Subscriber:
    """The member ticked the newsletter box when joining: record the wording they were shown
    (`version`, from the form) as pending. Verifying their email address is the double
    opt-in (`confirm_verified_member`), so no second email is sent. The caller commits."""
    if version not in consent.WORDING:
        version = consent.CURRENT
    row = find(user.email)
    if row is None:
        row = new_subscriber(user.email, name=user.display_name,
                             organisation=user.organisation or "",
                             profession=user.profession.name if user.profession else "")
    row.user_id = row.user_id or user.id
    if row.status == SubscriberStatus.SUBSCRIBED:  # on the list already: nothing new
        return row
    row.status = SubscriberStatus.PENDING
    row.source, row.source_detail = REGISTRATION, "registration form"
    row.consent_version, row.consent_text = version, consent.WORDING[version]
    row.consent_at = utcnow()
    db.session.flush()
    record(row, "given", source=REGISTRATION, detail="registration form", version=version,
           text=consent.WORDING[version])
    return row


def confirm_verified_member(user_id: int) -> Subscriber | None:
    """A member verified their email address: a consent they gave when registering is now
    confirmed. Idempotent (an outbox message may be applied twice); the caller commits."""
    user = db.session.get(User, user_id)
    if user is None or user.email_verified_at is None:
        return None
    row = find_for_member(user)
    if row is None or row.status != SubscriberStatus.PENDING or row.source != REGISTRATION:
        return None
    row.user_id = user.id
    _mark_confirmed(row, source=REGISTRATION, detail="email address verified",
                    version=row.consent_version)
    return row


def handle_member_verified(messages: Sequence[OutboxMessage]) -> None:
    """The outbox handler for "members.email_verified" (written by forum.auth)."""
    for message in messages:
        confirm_verified_member(int(message.payload.get("id") or 0))


# --- members, from their settings ----------------------------------------------------------

def is_member_subscribed(user: User) -> bool:
    row = find_for_member(user)
    return row is not None and row.status == SubscriberStatus.SUBSCRIBED


def set_member_subscription(user: User, *, on: bool) -> Subscriber | None:
    """One click in a member's settings. Their address is already verified, so no second
    email is needed to confirm it is theirs."""
    row = find_for_member(user)
    if not on:
        if row is not None and row.status != SubscriberStatus.UNSUBSCRIBED:
            _withdraw(row, source="settings")
            db.session.commit()
        return row
    if row is None:
        row = new_subscriber(user.email, name=user.display_name, organisation=user.organisation or "",
                   profession=user.profession.name if user.profession else "")
    row.user_id = user.id
    if row.status != SubscriberStatus.SUBSCRIBED:
        _give_consent(row, source="settings", detail="member settings")
        _mark_confirmed(row, source="settings", detail="signed-in member", version=consent.CURRENT)
    db.session.commit()
    return row


# --- unsubscribing ---------------------------------------------------------------------------

def _withdraw(subscriber: Subscriber, *, source: str, reason: str = "unsubscribed") -> None:
    subscriber.status, subscriber.unsubscribed_at = SubscriberStatus.UNSUBSCRIBED, utcnow()
    suppress(subscriber.email, reason)
    record(subscriber, "withdrawn" if reason == "unsubscribed" else "suppressed", source=source)


def unsubscribe_token(subscriber: Subscriber) -> str:
    return f"{subscriber.key}.{signature(subscriber.key, UNSUBSCRIBE_KIND)}"


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute(f"/newsletter/unsubscribe/{unsubscribe_token(subscriber)}")


def read_unsubscribe_token(token: str) -> Subscriber | None:
    """The subscriber a link is for, or None if it is not one we made."""
    key, _, signed = token.partition(".")
    if len(key) != 32 or not hmac.compare_digest(signed, signature(key, UNSUBSCRIBE_KIND)):
        return None
    return db.session.scalar(select(Subscriber).where(Subscriber.key == key))


def unsubscribe(subscriber: Subscriber, *, source: str = "link") -> None:
    """Takes effect at once, including for an issue being sent (its pending copy is skipped)."""
    if subscriber.status != SubscriberStatus.UNSUBSCRIBED:
        _withdraw(subscriber, source=source)
    db.session.commit()


# --- bounces -------------------------------------------------------------------------------

def record_bounce(email: str) -> Subscriber | None:
    """A permanent bounce (the caller commits). After the same number notification email
    allows (forum.notify.preferences.BOUNCE_LIMIT), the address is suppressed."""
    subscriber = find(email)
    if subscriber is None:
        return None
    subscriber.bounce_count += 1
    if subscriber.bounce_count >= BOUNCE_LIMIT and subscriber.status != SubscriberStatus.UNSUBSCRIBED:
        _withdraw(subscriber, source="bounces", reason="bounced")
    return subscriber
