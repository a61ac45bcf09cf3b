"""A member's QI data: the write-ups they started, the teams they are credited on, and their
"We tried this" notes.

Write-ups are team work shared with the community, so erasing keeps them ("Former member"
started them) and takes the member off every team; their "We tried this" notes go only if
they ask for their content to be removed. Each write-up they were on is re-indexed through
the outbox (search finds write-ups by their team's names).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from forum import outbox
from forum.extensions import db
from forum.members.models import User
from forum.qi.models import Attachment, TeamMember, TriedIt, WriteUp
from forum.uploads.models import Upload

TEXT_FIELDS = ("summary", "background", "aim", "results", "learning", "replicate_needs",
               "replicate_time", "replicate_pitfalls")


def export_member(user: User) -> dict[str, Any]:
    started = db.session.scalars(select(WriteUp).where(WriteUp.author_id == user.id)
                                 .order_by(WriteUp.id))
    team = db.session.execute(
        select(TeamMember.writeup_id, WriteUp.title, TeamMember.role, TeamMember.is_coauthor)
        .join(WriteUp, TeamMember.writeup_id == WriteUp.id)
        .where(TeamMember.user_id == user.id).order_by(TeamMember.writeup_id))
    tried = db.session.execute(
        select(TriedIt.writeup_id, WriteUp.title, TriedIt.note, TriedIt.created_at)
        .join(WriteUp, TriedIt.writeup_id == WriteUp.id)
        .where(TriedIt.user_id == user.id).order_by(TriedIt.id))
    return {
        "writeups_started": [
            {"id": w.id, "title": w.title, "status": w.status, "created_at": w.created_at,
             "updated_at": w.updated_at, "published_at": w.published_at,
             **{name: getattr(w, name) for name in TEXT_FIELDS}} for w in started],
        "team_member_of": [{"writeup_id": t.writeup_id, "title": t.title, "role": t.role,
                            "co_author": t.is_coauthor} for t in team],
        "we_tried_this": [{"writeup_id": t.writeup_id, "title": t.title, "note": t.note,
                           "created_at": t.created_at} for t in tried],
    }


def _reindex(writeup_ids: set[int]) -> None:
    for writeup_id in sorted(writeup_ids):
        outbox.enqueue("search", {"kind": "qi", "id": writeup_id})


def erase_member(user: User) -> None:
    ids = set(db.session.scalars(select(TeamMember.writeup_id).where(
        TeamMember.user_id == user.id)))
    ids |= set(db.session.scalars(select(WriteUp.id).where(WriteUp.author_id == user.id)))
    db.session.execute(delete(TeamMember).where(TeamMember.user_id == user.id))
    # Their uploads are erased (forum.uploads.personal_data, after this): unlink them first.
    mine = select(Upload.id).where(Upload.uploader_id == user.id)
    ids |= set(db.session.scalars(select(Attachment.writeup_id).where(
        Attachment.upload_id.in_(mine))))
    db.session.execute(delete(Attachment).where(Attachment.upload_id.in_(mine)))
    _reindex(ids)


def remove_member_content(user: User) -> None:
    """Their "We tried this" notes go, and each write-up's count with them."""
    counts: dict[int, int] = {}
    for writeup_id in db.session.scalars(select(TriedIt.writeup_id).where(
            TriedIt.user_id == user.id)):
        counts[writeup_id] = counts.get(writeup_id, 0) + 1
    db.session.execute(delete(TriedIt).where(TriedIt.user_id == user.id))
    for writeup_id, n in counts.items():
        db.session.execute(update(WriteUp).where(WriteUp.id == writeup_id)
                           .values(tried_count=WriteUp.tried_count - n),
                           execution_options={"synchronize_session": False})
    _reindex(set(counts))
