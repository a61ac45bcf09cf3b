"""A member's uploaded files: listed in their data and copied into the archive; erased with
the account (the domains that link to a file unlink it first).

Files are removed from the disk only once the erasure has committed, so a failed erasure
leaves every file in place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from forum.extensions import db
from forum.members.models import User
from forum.uploads.models import Upload
from forum.uploads.services import path_of

_PENDING = "erased_files"


def _mine(user: User) -> list[Upload]:
    return list(db.session.scalars(select(Upload).where(Upload.uploader_id == user.id)
                                   .order_by(Upload.id)))


def archive_name(upload: Upload) -> str:
    return f"files/{upload.id}-{upload.download_name}"


def export_member(user: User) -> list[dict[str, Any]]:
    return [{"file": archive_name(u), "name_when_uploaded": u.original_name,
             "type": u.content_type, "bytes": u.size, "sha256": u.sha256,
             "uploaded_at": u.created_at} for u in _mine(user)]


def files_of(user: User) -> list[tuple[str, Path]]:
    return [(archive_name(u), path_of(u)) for u in _mine(user)]


def erase_member(user: User) -> None:
    uploads = _mine(user)
    db.session.info.setdefault(_PENDING, []).extend(path_of(u) for u in uploads)
    db.session.execute(delete(Upload).where(Upload.id.in_([u.id for u in uploads])),
                       execution_options={"synchronize_session": False})


@event.listens_for(Session, "after_commit")
def _remove_files(session: Session) -> None:
    for path in session.info.pop(_PENDING, ()):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _keep_files(session: Session) -> None:
    session.info.pop(_PENDING, None)
