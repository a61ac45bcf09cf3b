"""Moderators' actions on members: warn, suspend, lift, staff notes, roles; and the trail a
member's own confirmation leaves."""

from __future__ import annotations

from datetime import datetime

from forum.db import utcnow
from forum.discussions.models import Post
from forum.errors import InvalidInput
from forum.extensions import db
from forum.members.models import Status, User
from forum.moderation import policy
from forum.moderation.models import AuditEntry, StaffNote
from forum.moderation.services.common import (
    NOTE_MAX,
    _path,
    _reason,
    _site,
    _text,
    audit,
    tell,
    thread_path,
)
from forum.templating import format_date


def _member_path(member: User) -> str:
    return _path("members.profile", f"/members/{member.id}", user_id=member.id)


def _warn(actor: User, member: User, reason: str, post: Post | None = None) -> None:
    audit(actor, "warn_member", "user", member.id, reason=reason,
          after=f"About post {post.id}" if post else None)
    link = thread_path(post.thread_id, post.id) if post else _member_path(member)
    tell(member, kind="warning", text=f"A moderator has warned you. Reason: {reason}", link=link,
         subject=f"A warning from the {_site()} moderators",
         email_text=(f"A moderator has sent you a warning.\n\nReason: {reason}\n\nPlease read "
                     f"the community guidelines. Further problems may lead to a suspension."))


def warn_member(actor: User, member: User, *, reason: str) -> User:
    policy.require(policy.can_act_on_member(actor, member), "You cannot warn this member.")
    _warn(actor, member, _reason(reason))
    db.session.commit()
    return member


def suspend_member(actor: User, member: User, *, until: datetime, reason: str) -> User:
    """Until `until`, the member reads nothing members-only and cannot post."""
    policy.require(policy.can_act_on_member(actor, member), "You cannot suspend this member.")
    reason = _reason(reason)
    if until.tzinfo is None:
        raise InvalidInput("Enter a date for the suspension to end", field="until")
    if until <= utcnow():
        raise InvalidInput("The date the suspension ends must be in the future", field="until")
    if member.status not in (Status.ACTIVE, Status.SUSPENDED):
        raise InvalidInput(f"{member.display_name} is not an active member.")
    before = member.status.value
    member.status = Status.SUSPENDED
    member.suspended_until = until
    member.suspension_reason = reason
    audit(actor, "suspend_member", "user", member.id, reason=reason, before=before,
          after=f"suspended until {until.isoformat()}")
    tell(member, kind="suspended",
         text=f"Your account is suspended until {format_date(until)}. Reason: {reason}",
         link=_member_path(member), subject=f"Your {_site()} account is suspended",
         email_text=(f"A moderator has suspended your account until {format_date(until)}.\n\n"
                     f"Reason: {reason}\n\nUntil then you cannot read members-only discussions "
                     f"or post. If you think this is a mistake, reply to this email."))
    db.session.commit()
    return member


def _lift(actor: User | None, member: User, reason: str) -> None:
    until = member.suspended_until
    before = f"suspended until {until.isoformat()}" if until else "suspended"
    member.status = Status.ACTIVE
    member.suspended_until = None
    member.suspension_reason = ""
    audit(actor, "lift_suspension" if actor else "suspension_ended", "user", member.id,
          reason=reason, before=before, after=Status.ACTIVE.value)


def lift_suspension(actor: User, member: User, *, reason: str = "") -> User:
    policy.require(policy.can_act_on_member(actor, member), "You cannot change this member.")
    reason = _reason(reason, required=False)
    if member.status != Status.SUSPENDED:
        raise InvalidInput(f"{member.display_name} is not suspended.")
    _lift(actor, member, reason)
    tell(member, kind="suspension_lifted", text="Your suspension has been lifted. Welcome back.",
         link=_member_path(member), subject=f"Your {_site()} suspension has been lifted")
    db.session.commit()
    return member


def end_expired_suspension(member: User) -> bool:
    """A suspension whose date has passed ends by itself (checked when the member comes back)."""
    if member.status != Status.SUSPENDED or member.suspended_until is None:
        return False
    if member.suspended_until > utcnow():
        return False
    _lift(None, member, "The suspension period ended")
    db.session.commit()
    return True


def add_staff_note(actor: User, member: User, *, body: str) -> StaffNote:
    """A private note for moderators about a member; members never see these."""
    policy.require(policy.can_see_staff_notes(actor))
    body = _text(body, field="body", required=True, what="a note", limit=NOTE_MAX)
    note = StaffNote(member_id=member.id, author_id=actor.id, body=body, created_at=utcnow())
    db.session.add(note)
    db.session.flush()
    audit(actor, "add_staff_note", "user", member.id, after=f"Staff note {note.id}")
    db.session.commit()
    return note


PROFILE_PID_ACTION = "profile_patient_data_confirmed"


def profile_text_confirmed(actor: User, *, summary: str, commit: bool = True) -> AuditEntry:
    """A member confirmed their profile text holds no patient data although the guard found
    something: leave a trail the moderation queue shows, so a moderator can look."""
    entry = audit(actor, PROFILE_PID_ACTION, "user", actor.id, reason=f"The guard found {summary}.")
    if commit:
        db.session.commit()
    return entry
