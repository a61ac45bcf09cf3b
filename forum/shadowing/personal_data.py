"""A member's shadowing data, for a subject access request and for erasure.

Offers and interests name the member and hold their contact details, so erasure deletes
them (an offer takes the interests in it with it); places they held go back to the offer.
The caller commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update

from forum.extensions import db
from forum.members.models import User
from forum.shadowing.models import InterestStatus, ShadowingInterest, ShadowingOffer


def _day(value) -> str | None:
    return value.isoformat() if value else None


def export_member(user: User) -> dict[str, Any]:
    """What they posted, and what they said to others, with each one's outcome."""
    offers = db.session.scalars(select(ShadowingOffer).where(ShadowingOffer.author_id == user.id)
                                .order_by(ShadowingOffer.id))
    interests = db.session.execute(
        select(ShadowingInterest, ShadowingOffer.title)
        .join(ShadowingOffer, ShadowingOffer.id == ShadowingInterest.offer_id)
        .where(ShadowingInterest.user_id == user.id).order_by(ShadowingInterest.id))
    return {
        "shadowing_offers": [{
            "id": o.id, "kind": o.kind.value, "service": o.title, "organisation": o.organisation,
            "what_you_see": o.what_you_see, "availability": o.availability, "places": o.places,
            "expires_on": _day(o.expires_on), "contact_details": o.contact_details,
            "created_at": _day(o.created_at), "closed_at": _day(o.closed_at),
            "hidden_reason": o.hidden_reason or None,
        } for o in offers],
        "shadowing_interests": [{
            "id": i.id, "offer": title, "message": i.message, "contact_details": i.contact_details,
            "status": i.status.value, "created_at": _day(i.created_at),
            "visit_date": _day(i.visit_date), "hours": i.hours,
            "completed_at": _day(i.completed_at),
        } for i, title in interests],
    }


def erase_member(user: User) -> None:
    db.session.flush()
    no_sync = {"synchronize_session": False}
    held = select(ShadowingInterest.offer_id, func.count().label("n")).where(
        ShadowingInterest.user_id == user.id,
        ShadowingInterest.status == InterestStatus.ACCEPTED).group_by(ShadowingInterest.offer_id)
    for offer_id, count in db.session.execute(held).all():
        db.session.execute(update(ShadowingOffer).where(ShadowingOffer.id == offer_id)
                           .values(accepted_count=ShadowingOffer.accepted_count - count),
                           execution_options=no_sync)
    mine = select(ShadowingOffer.id).where(ShadowingOffer.author_id == user.id)
    db.session.execute(delete(ShadowingInterest).where(
        (ShadowingInterest.user_id == user.id) | ShadowingInterest.offer_id.in_(mine)),
        execution_options=no_sync)
    db.session.execute(delete(ShadowingOffer).where(ShadowingOffer.author_id == user.id),
                       execution_options=no_sync)
    db.session.execute(update(ShadowingOffer).where(ShadowingOffer.hidden_by_id == user.id)
                       .values(hidden_by_id=None), execution_options=no_sync)
    for loaded in list(db.session.identity_map.values()):  # what the statements above changed
        if isinstance(loaded, (ShadowingOffer, ShadowingInterest)):
            db.session.expire(loaded)
