"""A member's data in the library, for a subject access request and for erasure.

What they added to the library stays (it is the community's, like a published post) but no
longer names them; suggestions that never went in are theirs alone, so they go, files too.
The caller commits; deleted files are removed from disk only once that commit has happened.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.members.models import User
from forum.resources.models import Resource, ResourceStatus
from forum.uploads import services as uploads
from forum.uploads.models import Upload


def export_member(user: User) -> dict[str, Any]:
    """Every resource the member added or suggested, as they gave it."""
    rows = db.session.scalars(select(Resource).options(joinedload(Resource.upload))
                              .where(Resource.added_by_id == user.id).order_by(Resource.id))
    return {"resources": [{
        "id": r.id, "title": r.title, "kind": r.kind.value, "status": r.status.value,
        "description": r.description, "url": r.url, "minutes": r.minutes,
        "guide_markdown": r.body_source, "is_public": r.is_public,
        "file": r.upload.original_name if r.upload else None,
        "review_note": r.review_note, "created_at": r.created_at.isoformat(),
        "published_at": r.published_at.isoformat() if r.published_at else None,
    } for r in rows]}


def erase_member(user: User) -> None:
    """Unpublished suggestions are deleted; everything else forgets who added or reviewed it."""
    session = db.session()
    unpublished = list(db.session.scalars(select(Resource).options(joinedload(Resource.upload))
                                          .where(Resource.added_by_id == user.id,
                                                 Resource.status.in_([ResourceStatus.SUGGESTED,
                                                                      ResourceStatus.DECLINED]))))
    files: list[Upload] = [r.upload for r in unpublished if r.upload is not None]
    for resource in unpublished:
        db.session.delete(resource)
    for upload in files:
        db.session.delete(upload)
    no_sync = {"synchronize_session": False}
    db.session.flush()
    db.session.execute(update(Resource).where(Resource.added_by_id == user.id)
                       .values(added_by_id=None), execution_options=no_sync)
    db.session.execute(update(Resource).where(Resource.reviewed_by_id == user.id)
                       .values(reviewed_by_id=None), execution_options=no_sync)
    db.session.execute(update(Upload).where(Upload.uploader_id == user.id,
                                            Upload.id.in_(select(Resource.upload_id)))
                       .values(uploader_id=None), execution_options=no_sync)
    if files:
        _discard_after_commit(session, files)


def _discard_after_commit(session, files: list[Upload]) -> None:
    """Remove the files once their rows are gone for good; forget them if the work is undone."""
    def committed(_session) -> None:
        event.remove(session, "after_rollback", rolled_back)
        for upload in files:
            uploads.discard_file(upload)

    def rolled_back(_session) -> None:
        event.remove(session, "after_commit", committed)

    event.listen(session, "after_commit", committed, once=True)
    event.listen(session, "after_rollback", rolled_back, once=True)
