"""The member's own record: profile, consents, sessions; erased last of all domains.

The account row stays (posts, write-ups and moderators' records point at it) as "Former
member", with an address at the reserved `.invalid` domain, no password, and nothing they
told us about themselves. The audit log is append-only for every other purpose; here, and
only here, its text is rewritten so that moderators' records stay without the erased name
and address (UK GDPR erasure).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, or_, select, update

from forum.auth.models import MemberSession
from forum.extensions import db
from forum.members.models import Role, Status, User
from forum.moderation.models import AuditEntry, StaffNote

FORMER = "Former member"


def erased_email(user: User) -> str:
    return f"former-member-{user.id}@erased.invalid"


def export_member(user: User) -> dict[str, Any]:
    sessions = db.session.scalars(select(MemberSession).where(MemberSession.user_id == user.id)
                                  .order_by(MemberSession.id))
    return {
        "profile": {
            "id": user.id, "display_name": user.display_name, "email": user.email,
            "profession": user.profession.name if user.profession else None,
            "alliance": user.alliance.name if user.alliance else None,
            "organisation": user.organisation, "bio": user.bio, "role": user.role,
            "status": user.status, "joined_at": user.created_at,
            "email_verified_at": user.email_verified_at, "approved_at": user.approved_at,
            "last_signed_in_at": user.last_login_at, "posts_written": user.post_count,
            "suspended_until": user.suspended_until,
        },
        "consents": {
            "community_guidelines_accepted_at": user.guidelines_accepted_at,
            "email_when_someone_replies": user.notify_replies,
        },
        "signed_in_sessions": [{"started_at": s.created_at, "expires_at": s.expires_at}
                               for s in sessions],
    }


def _scrub(column, values: list[str]):
    """`column` with each of `values` replaced by "Former member" (case as stored)."""
    expression = column
    for value in values:
        expression = func.replace(expression, value, FORMER)
    return expression


def erase_member(user: User) -> None:
    db.session.execute(delete(MemberSession).where(MemberSession.user_id == user.id))
    values = sorted({user.email, user.email.lower(), user.display_name}, key=len, reverse=True)
    audit = AuditEntry.__table__.c
    mentions = or_(*(col.contains(v, autoescape=True) for v in values
                     for col in (audit.reason, audit.before, audit.after)))
    # Core UPDATE: the ORM's append-only guard (forum.moderation.models) is for edits.
    db.session.execute(
        update(AuditEntry.__table__).where(mentions)
        .values(reason=_scrub(audit.reason, values), before=_scrub(audit.before, values),
                after=_scrub(audit.after, values)))
    notes = StaffNote.__table__.c
    db.session.execute(update(StaffNote.__table__).where(
        or_(*(notes.body.contains(v, autoescape=True) for v in values)))
        .values(body=_scrub(notes.body, values)))
    user.email = erased_email(user)
    user.display_name = FORMER
    user.password_hash = ""  # verify_password refuses an empty hash
    user.organisation = user.bio = user.suspension_reason = ""
    user.profession = user.alliance = None
    user.role, user.status = Role.MEMBER, Status.ERASED
    user.notify_replies = False
    user.email_verified_at = user.last_login_at = user.suspended_until = None
    user.guidelines_accepted_at = None
