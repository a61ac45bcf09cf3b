"""Members' own data: the "Download my data" archive and erasing an account (UK GDPR
rights of access and erasure), by the member or by an organiser on their request.

What each domain holds is in forum.members.personal_data; this module builds the ZIP,
checks who may erase whom, and records it in the audit log (without the erased data).
"""

from __future__ import annotations

import enum
import json
import zipfile
from datetime import date, datetime
from tempfile import SpooledTemporaryFile
from typing import IO, Any

from flask import current_app
from sqlalchemy import func, select

from forum.db import utcnow
from forum.errors import InvalidInput, PermissionDenied
from forum.extensions import db
from forum.members import personal_data
from forum.members.models import Role, Status, User
from forum.moderation.services.common import audit
from forum.passwords import verify_password

IN_MEMORY = 16 * 1024 * 1024  # an archive larger than this is spooled to a temporary file
REASON_MAX = 1000
README = """\
Your data from {site}, as it stood at {when} (UTC).

Each .json file holds what one part of the forum keeps about you:
{parts}
The files folder holds the files you uploaded, as you uploaded them.
Dates and times are in UTC, in ISO 8601 form.
"""


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not JSON")


def can_erase(actor: User | None, member: User) -> bool:
    """Members erase themselves; an active organiser erases others (on their request)."""
    if actor is None or not actor.is_authenticated or member.status == Status.ERASED:
        return False
    return actor.id == member.id or (actor.is_admin and actor.status == Status.ACTIVE)


def _require_export(actor: User, member: User) -> None:
    if member.status == Status.ERASED:
        raise InvalidInput("This account has been deleted: there is no personal data left.")
    if actor.id != member.id and not (actor.is_admin and actor.status == Status.ACTIVE):
        raise PermissionDenied("Only organisers can download another member's data.")


def export_archive(actor: User, member: User) -> IO[bytes]:
    """A ZIP of everything the forum holds about `member`, positioned at its start. An
    organiser's download (a subject access request) is audited."""
    _require_export(actor, member)
    data = personal_data.export_all(member)
    archive: IO[bytes] = SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 (returned)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        parts = "".join(f"- {name}.json\n" for name in data)
        zf.writestr("README.txt", README.format(site=current_app.config["SITE_NAME"],
                                                when=utcnow().isoformat(timespec="seconds"),
                                                parts=parts))
        for name, value in data.items():
            zf.writestr(f"{name}.json", json.dumps(value, default=_json, indent=2,
                                                   ensure_ascii=False))
        for name, path in personal_data.files_all(member):
            if path.is_file():
                zf.write(path, name)
    if actor.id != member.id:
        audit(actor, "export_member_data", "user", member.id,
              reason="Subject access request: the member's data was downloaded")
        db.session.commit()
    archive.seek(0)
    return archive


def _only_admin(member: User) -> bool:
    if not member.is_admin or member.status != Status.ACTIVE:
        return False
    return (db.session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.status == Status.ACTIVE)) or 0) <= 1


def _erase(actor: User, member: User, *, remove_content: bool, reason: str) -> None:
    if _only_admin(member):
        raise InvalidInput("This is the only active organiser account. Make someone else an "
                           "organiser before deleting it.")
    member_id = member.id
    personal_data.erase_all(member, remove_content=remove_content)
    audit(actor if actor.id != member_id else None, "erase_member", "user", member_id,
          reason=reason, after="posts removed" if remove_content else "posts kept")
    db.session.commit()


def delete_own_account(actor: User, *, password: str, remove_content: bool = False) -> None:
    """The member deletes their account, confirming with their password."""
    if not can_erase(actor, actor):
        raise PermissionDenied("This account cannot be deleted.")
    if not verify_password(actor.password_hash, password or ""):
        raise InvalidInput("Your password is not correct", field="password")
    _erase(actor, actor, remove_content=remove_content, reason="At the member's request")


def erase_member_on_request(actor: User, member: User, *, reason: str,
                            remove_content: bool = False) -> None:
    """An organiser erases a member who asked (by email, letter ...); the reason says how."""
    if actor.id == member.id:
        raise InvalidInput("Delete your own account from your account settings.")
    if not can_erase(actor, member):
        raise PermissionDenied("Only organisers can delete another member's account.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Say how the member asked (for example, their email of 3 March)",
                           field="reason")
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"The reason must be {REASON_MAX:,} characters or fewer",
                           field="reason")
    if member.display_name in reason or member.email.lower() in reason.lower():
        raise InvalidInput("Leave the member's name and email address out: the log keeps this "
                           "after their data is erased", field="reason")
    _erase(actor, member, remove_content=remove_content, reason=reason)
