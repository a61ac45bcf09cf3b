"""A member's newsletter records for the members' data export, and their erasure.

The integrator registers both with the members' data export and account deletion (issue 15).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from forum.extensions import db
from forum.members.models import User
from forum.newsletter.models import ConsentEvent, Delivery, Issue, Subscriber
from forum.newsletter.subscribers import find_for_member, suppress


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_member(user: User) -> dict[str, Any]:
    """The member's subscription, its whole consent history, and the issues sent to them."""
    row = find_for_member(user)
    if row is None:
        return {"subscribed": False, "subscription": None, "consent_history": [], "issues_sent": []}
    events = db.session.scalars(select(ConsentEvent).where(ConsentEvent.subscriber_id == row.id)
                                .order_by(ConsentEvent.at, ConsentEvent.id))
    sent = db.session.execute(
        select(Issue.number, Issue.subject, Delivery.status, Delivery.sent_at)
        .join(Delivery, Delivery.issue_id == Issue.id).where(Delivery.subscriber_id == row.id)
        .order_by(Issue.number))
    return {
        "subscribed": row.status == "subscribed",
        "subscription": {
            "email": row.email, "name": row.name, "profession": row.profession,
            "organisation": row.organisation, "status": row.status, "source": row.source,
            "source_detail": row.source_detail, "consent_version": row.consent_version,
            "consent_text": row.consent_text, "consent_at": _when(row.consent_at),
            "confirmed_at": _when(row.confirmed_at), "unsubscribed_at": _when(row.unsubscribed_at),
            "bounce_count": row.bounce_count, "created_at": _when(row.created_at),
        },
        "consent_history": [
            {"action": e.action, "source": e.source, "detail": e.detail,
             "consent_version": e.consent_version, "consent_text": e.consent_text,
             "at": _when(e.at)} for e in events],
        "issues_sent": [{"issue": n, "subject": s, "status": st, "sent_at": _when(at)}
                        for n, s, st, at in sent],
    }


def erase_member(user: User) -> None:
    """Remove the member's subscription and every record of it (deliveries, consent history
    go with it). The address is kept only as a SHA-256 suppression, so an old list imported
    later cannot add them back. The caller commits."""
    rows = set(db.session.scalars(select(Subscriber).where(Subscriber.user_id == user.id)))
    if (by_address := find_for_member(user)) is not None:
        rows.add(by_address)
    for row in rows:
        suppress(row.email, "unsubscribed")
        db.session.execute(delete(Delivery).where(Delivery.subscriber_id == row.id))
        db.session.execute(delete(ConsentEvent).where(ConsentEvent.subscriber_id == row.id))
        db.session.delete(row)
    db.session.flush()
