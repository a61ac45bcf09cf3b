"""Joining, confirming an email address, signing in and resetting a password.

Nothing here tells a visitor whether an address is registered: registering an address that
exists, asking for a reset or a new link all answer the same way, and the owner of the
address is told by email instead.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError

from forum import outbox
from forum.auth import tokens
from forum.auth.sessions import end_every_session, end_session, start_session
from forum.community.models import Alliance, Profession
from forum.db import utcnow
from forum.errors import DomainError, InvalidInput
from forum.extensions import db
from forum.members.models import Role, Status, User
from forum.members.names import check_display_name, clean_organisation
from forum.members.queries import member_by_email, member_by_id, staff_names
from forum.newsletter import subscribers as newsletter
from forum.notify.mail import queue_email
from forum.notify.models import OutboxMessage
from forum.passwords import hash_password, password_problem, verify_password


class EmailInUse(DomainError):
    """Another account has this address (in any letter case)."""


class SignInRefused(DomainError):
    """Why a sign-in did not succeed; only `CREDENTIALS` is shown before the password matched."""

    class Reason(enum.StrEnum):
        CREDENTIALS = "credentials"
        UNVERIFIED = "unverified"
        PENDING = "pending"
        REJECTED = "rejected"

    def __init__(self, reason: SignInRefused.Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


WRONG_CREDENTIALS = "Enter a correct email address and password"

GUIDELINES_REQUIRED = "Confirm that you have read the community guidelines and will follow them"


def _link(endpoint: str, **values: Any) -> str:
    """An absolute link for an email, on the site's public address (BASE_URL)."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _site() -> str:
    return current_app.config["SITE_NAME"]


def is_approved_domain(email: str) -> bool:
    """nhs.net, or any subdomain of it (e.g. someone@trust.nhs.uk), when nhs.net is approved."""
    domain = email.rsplit("@", 1)[-1].strip().lower().rstrip(".")
    return any(domain == approved or domain.endswith("." + approved)
               for approved in current_app.config["APPROVED_EMAIL_DOMAINS"])


def check_new_password(password: str, *, email: str | None, name: str | None) -> None:
    problem = password_problem(password, email=email, name=name,
                               min_length=current_app.config["PASSWORD_MIN_LENGTH"])
    if problem:
        raise InvalidInput(problem, field="password")


def _reference(model: type[Profession] | type[Alliance], ident: int | None,
               field: str, message: str) -> Any:
    if ident is None:
        return None
    row = db.session.get(model, ident)
    if row is None:
        raise InvalidInput(message, field=field)
    return row


def add_member(*, email: str, display_name: str, password_hash: str,
               profession_id: int | None = None, alliance_id: int | None = None,
               organisation: str = "",
               role: Role = Role.MEMBER, status: Status = Status.PENDING,
               guidelines_accepted_at: datetime | None = None) -> User:
    """Insert a member (flushes, does not commit); raises EmailInUse if the address is taken.

    On EmailInUse the session has been rolled back: call this before any other change.
    """
    user = User(
        email=email.strip(),
        display_name=display_name.strip(),
        password_hash=password_hash,
        profession=_reference(Profession, profession_id, "profession", "Select your profession"),
        alliance=_reference(Alliance, alliance_id, "alliance", "Select your cancer alliance"),
        organisation=organisation.strip(),
        guidelines_accepted_at=guidelines_accepted_at,
        role=role,
        status=status,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise EmailInUse("An account with this email address already exists",
                         field="email") from error
    return user


def register_member(*, email: str, display_name: str, password: str,
                    profession_id: int | None, alliance_id: int | None, organisation: str,
                    accepted_guidelines: bool, newsletter_version: str | None = None) -> None:
    """Create a pending member and email a verification link; for a taken address, email its owner.

    Joining means accepting the community guidelines: when is recorded on the member.
    `newsletter_version`: the newsletter box was ticked beside this version of the consent
    wording; the consent is recorded now and confirmed when the address is verified."""
    if not accepted_guidelines:
        raise InvalidInput(GUIDELINES_REQUIRED, field="accept_guidelines")
    display_name = check_display_name(display_name, staff_names=staff_names())
    organisation = clean_organisation(organisation)
    check_new_password(password, email=email, name=display_name)
    # Hash before looking the address up, so both paths take as long as each other.
    password_hash = hash_password(password)
    existing = member_by_email(email)
    if existing is None:
        try:
            user = add_member(email=email, display_name=display_name, password_hash=password_hash,
                              profession_id=profession_id, alliance_id=alliance_id,
                              organisation=organisation, guidelines_accepted_at=utcnow())
        except EmailInUse:
            existing = member_by_email(email)  # someone registered it a moment ago
        else:
            if newsletter_version:
                newsletter.consent_at_registration(user, version=newsletter_version)
            _queue_verification_email(user)
    if existing is not None:
        _queue_already_registered_email(existing)
    db.session.commit()


def _queue_verification_email(user: User) -> None:
    token = tokens.make(tokens.VERIFY_SALT, {"id": user.id, "e": tokens.fingerprint(user.email.lower())})
    hours = current_app.config["VERIFY_TOKEN_MAX_AGE"] // 3600
    queue_email(user.email, f"Confirm your email address for {_site()}", (
        f"Hello {user.display_name},\n\n"
        f"Thank you for joining {_site()}. Confirm your email address by opening this link:\n\n"
        f"{_link('auth.verify_email', token=token)}\n\n"
        f"The link works for {hours} hours. If you did not ask to join, you can ignore this email.\n"
    ))


def _queue_already_registered_email(user: User) -> None:
    queue_email(user.email, f"Someone tried to join {_site()} with your email address", (
        f"Hello {user.display_name},\n\n"
        f"Someone tried to register with your address on {_site()}, which already has an account.\n\n"
        f"If it was you, sign in:\n{_link('auth.login')}\n\n"
        f"or, if you have forgotten your password, reset it:\n{_link('auth.forgot_password')}\n\n"
        f"If it was not you, you do not need to do anything.\n"
    ))


def resend_verification(email: str) -> None:
    """Send a new link if this address is waiting to be confirmed; otherwise do nothing.

    The same work for every address (see `apply_link_requests`).
    """
    _request_link("verify", email)


def check_verification_token(token: str) -> User:
    """The member a good, unused verification link belongs to; raises BadToken otherwise."""
    payload = tokens.read(tokens.VERIFY_SALT, token, current_app.config["VERIFY_TOKEN_MAX_AGE"])
    user = member_by_id(payload["id"])
    if (user is None or user.email_verified_at is not None or user.status != Status.PENDING
            or payload.get("e") != tokens.fingerprint(user.email.lower())):
        raise tokens.BadToken
    return user


def verify_email(token: str) -> User:
    """Confirm the address: active at once on an approved domain, otherwise wait for a moderator."""
    user = check_verification_token(token)
    now = utcnow()
    user.email_verified_at = now
    # The address is proven theirs: the double opt-in for a newsletter box ticked on joining.
    outbox.enqueue("members.email_verified", {"id": user.id})
    if is_approved_domain(user.email):
        user.status = Status.ACTIVE
        user.approved_at = now
    db.session.commit()
    return user


def sign_in(email: str, password: str) -> User:
    """The member these details belong to, with a new session (`User.get_id()` names it), if
    they may sign in; raises SignInRefused otherwise."""
    user = member_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise SignInRefused(SignInRefused.Reason.CREDENTIALS, WRONG_CREDENTIALS)
    # From here on the person has shown they know the password, so they may learn why.
    if user.status == Status.REJECTED:
        raise SignInRefused(SignInRefused.Reason.REJECTED,
                            "Your request to join was not approved. "
                            "Contact the community team if you think this is a mistake.")
    if user.email_verified_at is None:
        raise SignInRefused(SignInRefused.Reason.UNVERIFIED,
                            "You need to confirm your email address before you can sign in. "
                            "Open the link in the email we sent you when you joined.")
    if user.status == Status.PENDING:
        raise SignInRefused(SignInRefused.Reason.PENDING,
                            "Your account is waiting for a moderator to approve it. "
                            "We will email you when it is ready.")
    user.last_login_at = utcnow()
    start_session(user)
    db.session.commit()
    return user


def sign_out(user: User) -> None:
    """End this browser's session on the server, so a copy of its cookies no longer works."""
    end_session(user)
    db.session.commit()


def sign_out_everywhere(user: User) -> None:
    """End every session the member has, this browser's too (a lost phone, a shared computer)."""
    end_every_session(user)
    db.session.commit()


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account; otherwise do nothing, silently.

    The same work for every address (see `apply_link_requests`).
    """
    _request_link("reset", email)


def _request_link(kind: str, email: str) -> None:
    # Looking the address up here would make a member's request slower than a stranger's
    # (15 ms against 5 ms: the email row and its commit), which tells a visitor who is
    # registered. Every request writes one row instead; the outbox worker answers it.
    outbox.enqueue("auth", {"kind": kind, "email": email.strip()[:254]})
    db.session.commit()


def apply_link_requests(messages: Sequence[OutboxMessage]) -> None:
    """Outbox handler for "auth": email the links asked for, to addresses that may have one."""
    # The worker has no request: a bare one lets url_for build paths (BASE_URL is prefixed).
    with current_app.test_request_context():
        for message in messages:
            user = member_by_email(str(message.payload.get("email", "")))
            if user is None:
                continue
            kind = message.payload.get("kind")
            if kind == "reset" and user.status != Status.REJECTED:
                _queue_reset_email(user)
            elif kind == "verify" and user.email_verified_at is None and user.status == Status.PENDING:
                _queue_verification_email(user)


def _queue_reset_email(user: User) -> None:
    token = tokens.make(tokens.RESET_SALT, {"id": user.id, "p": tokens.fingerprint(user.password_hash)})
    minutes = current_app.config["RESET_TOKEN_MAX_AGE"] // 60
    queue_email(user.email, f"Reset your password for {_site()}", (
        f"Hello {user.display_name},\n\n"
        f"Someone (we hope you) asked to reset the password for your {_site()} account. "
        f"To choose a new password, open this link:\n\n"
        f"{_link('auth.reset_password', token=token)}\n\n"
        f"The link works once, for {minutes} minutes. If you did not ask, ignore this email: "
        f"your password has not changed.\n"
    ))


def check_reset_token(token: str) -> User:
    """The member a good reset link belongs to; it stops working once the password changes."""
    payload = tokens.read(tokens.RESET_SALT, token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = member_by_id(payload["id"])
    if (user is None or user.status == Status.REJECTED
            or payload.get("p") != tokens.fingerprint(user.password_hash)):
        raise tokens.BadToken
    return user


def reset_password(token: str, new_password: str) -> User:
    user = check_reset_token(token)
    check_new_password(new_password, email=user.email, name=user.display_name)
    user.password_hash = hash_password(new_password)
    end_every_session(user)  # whoever knew the old password is signed out everywhere
    queue_password_changed_email(user)
    db.session.commit()
    return user


def queue_password_changed_email(user: User) -> None:
    queue_email(user.email, f"Your {_site()} password has been changed", (
        f"Hello {user.display_name},\n\n"
        f"The password for your {_site()} account was changed just now.\n\n"
        f"If this was not you, reset your password at once:\n{_link('auth.forgot_password')}\n"
    ))


def create_admin(*, email: str, display_name: str, password: str) -> User:
    """An active, verified admin (the `create-admin` command)."""
    display_name = check_display_name(display_name, staff_names=staff_names())
    check_new_password(password, email=email, name=display_name)
    now = utcnow()
    user = add_member(email=email, display_name=display_name, password_hash=hash_password(password),
                      role=Role.ADMIN, status=Status.ACTIVE)
    user.email_verified_at = now
    user.approved_at = now
    db.session.commit()
    return user
