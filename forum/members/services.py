"""Changes to members: moderators approving or rejecting applicants, members editing themselves."""

from __future__ import annotations

from flask import current_app, url_for

from forum import outbox
from forum.auth.services import check_new_password, queue_password_changed_email
from forum.auth.sessions import end_every_session, start_session
from forum.community.models import Alliance, Profession
from forum.db import utcnow
from forum.errors import InvalidInput, PermissionDenied
from forum.extensions import db
from forum.members.models import Status, User
from forum.members.names import check_display_name, clean_organisation
from forum.members.queries import staff_names
from forum.moderation.models import AuditEntry
from forum.notify import events
from forum.notify.mail import queue_email
from forum.passwords import hash_password, verify_password


def can_review_applicants(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_moderator
                and user.status == Status.ACTIVE)


def _require_reviewer(actor: User) -> None:
    if not can_review_applicants(actor):
        raise PermissionDenied("Only moderators can approve new members.")


def _require_applicant(member: User) -> None:
    if member.status != Status.PENDING or member.email_verified_at is None:
        raise InvalidInput(f"{member.display_name} is not waiting for approval.")


def _audit(actor: User, action: str, member: User, reason: str = "") -> None:
    db.session.add(AuditEntry(actor_id=actor.id, action=action, target_type="user",
                              target_id=member.id, reason=reason, before=Status.PENDING.value,
                              after=member.status.value))


def approve_member(actor: User, member: User) -> User:
    """Let a waiting member in, tell them by email, and record who did it."""
    _require_reviewer(actor)
    _require_applicant(member)
    member.status = Status.ACTIVE
    member.approved_at = utcnow()
    member.approved_by_id = actor.id
    _audit(actor, "approve_member", member)
    events.tell_member(member.id, kind="account_approved", link=url_for("community.home"),
                       text="A moderator approved your account. Welcome: you can join the "
                            "discussions now.")
    site = current_app.config["SITE_NAME"]
    login = current_app.config["BASE_URL"].rstrip("/") + url_for("auth.login")
    queue_email(member.email, f"Your {site} account is ready", (
        f"Hello {member.display_name},\n\n"
        f"A moderator has approved your account. You can now sign in and join the discussions:\n\n"
        f"{login}\n"
    ))
    db.session.commit()
    return member


def reject_member(actor: User, member: User, *, reason: str = "") -> User:
    """Turn a waiting member away, tell them by email, and record who did it."""
    _require_reviewer(actor)
    _require_applicant(member)
    member.status = Status.REJECTED
    _audit(actor, "reject_member", member, reason)
    site = current_app.config["SITE_NAME"]
    queue_email(member.email, f"Your request to join {site}", (
        f"Hello {member.display_name},\n\n"
        f"Thank you for your interest in {site}. We are sorry, but a moderator could not approve "
        f"your account. {site} is for people who care for people living with cancer in London.\n\n"
        + (f"The moderator's note: {reason}\n\n" if reason else "")
        + "If you think this is a mistake, reply to this email.\n"
    ))
    db.session.commit()
    return member


def update_profile(actor: User, member: User, *, display_name: str, profession_id: int | None,
                   alliance_id: int | None, organisation: str, bio: str, notify_replies: bool,
                   confirmed_finding: str | None = None) -> User:
    """A member edits their own profile and preferences (an admin may edit anyone's).

    `confirmed_finding`: what the patient-data guard found in the text and the member said
    was not patient data; it goes to the moderators' trail in the same transaction.
    """
    if actor.id != member.id and not actor.is_admin:
        raise PermissionDenied("You can only edit your own profile.")
    if actor.is_suspended and not actor.is_admin:
        # A profile is public text like a post: a suspension stops both.
        raise PermissionDenied("You cannot change your profile while your account is suspended.")
    profession = db.session.get(Profession, profession_id) if profession_id is not None else None
    if profession_id is not None and profession is None:
        raise InvalidInput("Select your profession", field="profession")
    alliance = db.session.get(Alliance, alliance_id) if alliance_id is not None else None
    if alliance_id is not None and alliance is None:
        raise InvalidInput("Select your cancer alliance", field="alliance")
    display_name = check_display_name(display_name, staff_names=staff_names(excluding=member.id))
    organisation = clean_organisation(organisation)
    if display_name != member.display_name:  # search finds posts by author's name
        outbox.enqueue("search", {"kind": "author", "id": member.id})
    member.display_name = display_name
    member.profession = profession
    member.alliance = alliance
    member.organisation = organisation
    member.bio = bio.strip()
    member.notify_replies = notify_replies
    if confirmed_finding:
        from forum.moderation.services.members import profile_text_confirmed

        profile_text_confirmed(actor, summary=confirmed_finding, commit=False)
    db.session.commit()
    return member


def change_password(actor: User, *, current_password: str, new_password: str) -> None:
    """Change your own password; the current one is asked for, so an open laptop is not enough.

    Every other browser is signed out; this one gets a new session (`actor.get_id()`).
    """
    if not verify_password(actor.password_hash, current_password):
        raise InvalidInput("Your current password is not correct", field="current_password")
    check_new_password(new_password, email=actor.email, name=actor.display_name)
    if verify_password(actor.password_hash, new_password):
        raise InvalidInput("Your new password must be different from your current one",
                           field="password")
    actor.password_hash = hash_password(new_password)
    end_every_session(actor)
    start_session(actor)
    queue_password_changed_email(actor)
    db.session.commit()
