"""A member's CPD record in their data export, and its erasure when they are deleted.

Registered by the integrator with the members' data export/delete (the mailing list issue).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from forum.cpd import hcpc, queries, rules
from forum.cpd.export import COLUMNS, entry_row
from forum.cpd.hcpc_models import GapNote, HcpcProfile
from forum.cpd.models import Certificate, CpdEntry, CpdSettings, EntryStatus, Reflection
from forum.extensions import db
from forum.members.models import User
from forum.uploads import services as uploads
from forum.uploads.models import Upload


def export_member(user: User) -> dict[str, Any]:
    """Everything in the member's CPD record, as JSON-able data."""
    settings = queries.settings(user)
    every = list(db.session.scalars(select(CpdEntry).where(CpdEntry.user_id == user.id)
                                    .order_by(CpdEntry.start_date, CpdEntry.id)))
    return {
        "revalidation_date": settings.revalidation_date.isoformat()
        if settings and settings.revalidation_date else None,
        "entries": [{**dict(zip(COLUMNS, entry_row(e), strict=True)), "status": e.status,
                     "source": e.source, "hours": float(rules.hours_text(e.minutes)),
                     "participatory_hours": float(rules.hours_text(e.participatory_minutes)),
                     "certificate_file": e.evidence_upload.download_name if e.evidence_upload else None}
                    for e in every],
        "reflections": [{"cpd_entry": r.entry.topic if r.entry else None, "nature": r.nature,
                         "learned": r.learned, "changed": r.changed, "code_theme": r.code_label,
                         "code_relevance": r.code_relevance, "draft": r.is_draft,
                         "updated_at": r.updated_at.isoformat()} for r in queries.reflections(user)],
        "certificates": [{"code": c.code, "event": c.event_title, "date": c.event_date.isoformat(),
                          "hours": float(rules.hours_text(c.minutes)),
                          "revoked": c.revoked_at is not None}
                         for c in db.session.scalars(select(Certificate).where(
                             Certificate.user_id == user.id).order_by(Certificate.event_date))],
        "suggestions_ignored": sum(1 for e in every if e.status == EntryStatus.IGNORED),
        "hcpc_profile": _profile(user),
    }


def _profile(user: User) -> dict[str, Any]:
    profile = hcpc.profile(user)
    return {"summary_of_practice": profile.summary if profile else "",
            "personal_statement": profile.statement if profile else "",
            "gap_explanations": [{"from": n.start_date.isoformat(), "to": n.end_date.isoformat(),
                                  "explanation": n.explanation} for n in hcpc.notes(user)]}


def erase_member(user: User) -> None:
    """Delete the member's entries, reflections, certificates, HCPC profile and uploaded files."""
    upload_ids = [i for i in db.session.scalars(select(CpdEntry.evidence_upload_id).where(
        CpdEntry.user_id == user.id, CpdEntry.evidence_upload_id.is_not(None)))]
    files = list(db.session.scalars(select(Upload).where(Upload.id.in_(upload_ids)))) if upload_ids else []
    for model in (Reflection, CpdEntry, Certificate, GapNote):
        db.session.execute(model.__table__.delete().where(model.user_id == user.id))
    for keyed in (CpdSettings, HcpcProfile):
        db.session.execute(keyed.__table__.delete().where(keyed.user_id == user.id))
    for upload in files:
        db.session.delete(upload)
    db.session.commit()
    for upload in files:
        uploads.discard_file(upload)
