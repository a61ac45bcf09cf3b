"""Shadowing offers (and requests), and the interest members express in them.

An offer's contact details, and an interested member's, are seen only by the two people
once the offer's author has accepted: never on a page anyone else can open.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.community.models import Alliance, Profession
from forum.db import Base, UTCDateTime, utcnow
from forum.members.models import User, _enum


class OfferKind(enum.StrEnum):
    OFFER = "offer"      # "come and see my service"
    REQUEST = "request"  # "I would like to see a service like this"


KIND_LABELS = {OfferKind.OFFER: "Offer to host", OfferKind.REQUEST: "Request to visit"}


class InterestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class ShadowingOffer(Base):
    __tablename__ = "shadowing_offers"
    __table_args__ = (Index("ix_shadowing_offers_listing", "closed_at", "expires_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OfferKind] = mapped_column(_enum(OfferKind, "shadowing_kind"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))  # the service, e.g. "Lymphoedema clinic"
    profession_id: Mapped[int | None] = mapped_column(ForeignKey("professions.id"), index=True)
    alliance_id: Mapped[int | None] = mapped_column(ForeignKey("alliances.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(160), default="")
    what_you_see: Mapped[str] = mapped_column(Text, default="")
    availability: Mapped[str] = mapped_column(Text, default="")
    places: Mapped[int] = mapped_column(default=1)
    accepted_count: Mapped[int] = mapped_column(default=0)  # kept by the services
    expires_on: Mapped[date] = mapped_column(Date)
    # Given only to the people the author accepts.
    contact_details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # closed by its author
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                     index=True)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    profession: Mapped[Profession | None] = relationship()
    alliance: Mapped[Alliance | None] = relationship()

    @property
    def is_full(self) -> bool:
        return self.accepted_count >= self.places

    def is_expired(self, today: date) -> bool:
        return self.expires_on < today

    def is_open(self, today: date) -> bool:
        return (self.closed_at is None and self.hidden_at is None and not self.is_full
                and not self.is_expired(today))

    def __repr__(self) -> str:
        return f"<ShadowingOffer {self.id} {self.title!r}>"


class ShadowingInterest(Base):
    """One member's interest in one offer: their message, the author's answer, and the visit."""

    __tablename__ = "shadowing_interests"
    __table_args__ = (UniqueConstraint("offer_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("shadowing_offers.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    contact_details: Mapped[str] = mapped_column(Text, default="")  # for the author, once accepted
    status: Mapped[InterestStatus] = mapped_column(_enum(InterestStatus, "shadowing_interest"),
                                                   default=InterestStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The visit: each of the two marks it done; the date and hours are the latest given.
    visit_date: Mapped[date | None] = mapped_column(Date)
    hours: Mapped[float | None] = mapped_column(Float)
    author_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    member_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    offer: Mapped[ShadowingOffer] = relationship()
    user: Mapped[User] = relationship()

    @property
    def is_accepted(self) -> bool:
        return self.status == InterestStatus.ACCEPTED
