"""Reads for the shadowing pages: each list in a fixed number of queries, whatever its length."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.discussions.policy import _user
from forum.extensions import db
from forum.shadowing import policy
from forum.shadowing.models import InterestStatus, ShadowingInterest, ShadowingOffer

PAGE_SIZE = 30


def _loaded(stmt):
    return stmt.options(joinedload(ShadowingOffer.author), joinedload(ShadowingOffer.profession),
                        joinedload(ShadowingOffer.alliance))


def open_clause(today: date):
    return (ShadowingOffer.closed_at.is_(None), ShadowingOffer.hidden_at.is_(None),
            ShadowingOffer.expires_on >= today,
            ShadowingOffer.accepted_count < ShadowingOffer.places)


def listing(viewer: Any, *, today: date, kind: str | None = None,
            profession_id: int | None = None, alliance_id: int | None = None,
            everything: bool = False, page: int = 1) -> tuple[list[ShadowingOffer], bool]:
    """Open offers and requests, the soonest to close first; `everything` (moderators) adds
    the closed, full, expired and hidden ones, newest first."""
    stmt = policy.visible_offers(select(ShadowingOffer), viewer)
    if everything and policy.can_hide(viewer):
        stmt = stmt.order_by(ShadowingOffer.created_at.desc(), ShadowingOffer.id.desc())
    else:
        stmt = stmt.where(*open_clause(today)).order_by(ShadowingOffer.expires_on,
                                                        ShadowingOffer.id)
    if kind:
        stmt = stmt.where(ShadowingOffer.kind == kind)
    if profession_id:
        stmt = stmt.where(ShadowingOffer.profession_id == profession_id)
    if alliance_id:
        stmt = stmt.where(ShadowingOffer.alliance_id == alliance_id)
    rows = list(db.session.scalars(_loaded(stmt).offset((page - 1) * PAGE_SIZE)
                                   .limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def get_offer(offer_id: int) -> ShadowingOffer | None:
    return db.session.scalars(_loaded(select(ShadowingOffer).where(ShadowingOffer.id == offer_id))
                              ).first()


def get_interest(interest_id: int) -> ShadowingInterest | None:
    return db.session.scalars(select(ShadowingInterest).where(ShadowingInterest.id == interest_id)
                              .options(joinedload(ShadowingInterest.user),
                                       joinedload(ShadowingInterest.offer)
                                       .joinedload(ShadowingOffer.author))).first()


def interests(offer: ShadowingOffer) -> list[ShadowingInterest]:
    """Everyone who expressed interest (for the author): waiting first, then answered."""
    order = {InterestStatus.PENDING: 0, InterestStatus.ACCEPTED: 1, InterestStatus.DECLINED: 2,
             InterestStatus.WITHDRAWN: 3}
    rows = db.session.scalars(select(ShadowingInterest).options(joinedload(ShadowingInterest.user))
                              .where(ShadowingInterest.offer_id == offer.id)
                              .order_by(ShadowingInterest.created_at, ShadowingInterest.id))
    return sorted(rows, key=lambda i: order[i.status])


def interest_of(viewer: Any, offer: ShadowingOffer) -> ShadowingInterest | None:
    user = _user(viewer)
    if user is None:
        return None
    return db.session.scalar(select(ShadowingInterest).where(
        ShadowingInterest.offer_id == offer.id, ShadowingInterest.user_id == user.id))


def my_offers(user_id: int) -> list[ShadowingOffer]:
    stmt = select(ShadowingOffer).where(ShadowingOffer.author_id == user_id).order_by(
        ShadowingOffer.created_at.desc())
    return list(db.session.scalars(_loaded(stmt).limit(200)))


def my_interests(user_id: int) -> list[ShadowingInterest]:
    stmt = (select(ShadowingInterest).where(ShadowingInterest.user_id == user_id)
            .options(joinedload(ShadowingInterest.offer).joinedload(ShadowingOffer.author))
            .order_by(ShadowingInterest.created_at.desc()))
    return list(db.session.scalars(stmt.limit(200)))
