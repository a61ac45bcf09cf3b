"""Services for a write-up's attachments (PDF, PNG, JPEG, DOCX, PPTX, XLSX, 10 MB each).

The file itself goes through forum.uploads; this module decides who may attach, download
and remove, links the file to the write-up and commits once.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from sqlalchemy import func, select

from forum.discussions.policy import is_member
from forum.errors import InvalidInput, PermissionDenied
from forum.extensions import db
from forum.members.models import User
from forum.qi.measure_queries import team_ids
from forum.qi.models import Attachment, WriteUp
from forum.qi.policy import can_edit, on_team
from forum.qi.services import touched
from forum.uploads import services as uploads
from forum.uploads.types import DOCX, JPEG, PDF, PNG, PPTX, XLSX

RULES = uploads.UploadRules(types=(PDF, PNG, JPEG, DOCX, PPTX, XLSX), max_bytes=10 * uploads.MB)
CAPTION_MAX = 200
MAX_PER_WRITEUP = 30


def can_attach(viewer: Any, writeup: WriteUp, team: set[int], coauthors: set[int]) -> bool:
    """The team adds files (not only those who edit the text), while active members."""
    return can_edit(viewer, writeup, coauthors) or (
        is_member(viewer) and on_team(viewer, writeup, team))


def can_remove(viewer: Any, attachment: Attachment, team: set[int], coauthors: set[int]) -> bool:
    """Those who edit the write-up, and whoever uploaded the file while on the team."""
    writeup = attachment.writeup
    if can_edit(viewer, writeup, coauthors):
        return True
    uploaded_it = getattr(viewer, "id", None) == attachment.upload.uploader_id
    return uploaded_it and can_attach(viewer, writeup, team, coauthors)


def add_attachment(actor: User, writeup: WriteUp, *, stream: BinaryIO, filename: str,
                   caption: str = "", confirmed_finding: str | None = None) -> Attachment:
    team, coauthors = team_ids(writeup)
    if not can_attach(actor, writeup, team, coauthors):
        raise PermissionDenied("Only the write-up's team can add files to it.")
    caption = " ".join(caption.split())
    if len(caption) > CAPTION_MAX:
        raise InvalidInput(f"The caption must be {CAPTION_MAX} characters or fewer", field="caption")
    count = db.session.scalar(select(func.count(Attachment.id)).where(
        Attachment.writeup_id == writeup.id))
    if count >= MAX_PER_WRITEUP:
        raise InvalidInput(f"A write-up can have at most {MAX_PER_WRITEUP} files: remove one "
                           f"first", field=RULES.field)
    upload = uploads.store_file(actor, stream, filename=filename, rules=RULES)
    attachment = Attachment(writeup_id=writeup.id, upload=upload, caption=caption)
    db.session.add(attachment)
    touched(actor, writeup, confirmed_finding=confirmed_finding)
    db.session.commit()
    return attachment


def remove_attachment(actor: User, attachment: Attachment) -> None:
    team, coauthors = team_ids(attachment.writeup)
    if not can_remove(actor, attachment, team, coauthors):
        raise PermissionDenied("Only the write-up's authors, or whoever added it, can remove a file.")
    upload = attachment.upload
    db.session.delete(attachment)
    db.session.delete(upload)
    touched(actor, attachment.writeup)
    db.session.commit()
    uploads.discard_file(upload)
