"""The mailing list (subscribers, their consent history, suppressions) and the newsletter
(issues, the items in them, and one delivery row per recipient per issue)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Base, UTCDateTime, utcnow
from forum.members.models import User


class SubscriberStatus(enum.StrEnum):
    PENDING = "pending"  # signed up, not yet confirmed by the emailed link
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"


class Subscriber(Base):
    """One address on the list, member or not, with the consent it gave (the current one;
    the history is in ConsentEvent)."""

    __tablename__ = "newsletter_subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120), default="")
    profession: Mapped[str] = mapped_column(String(120), default="")
    organisation: Mapped[str] = mapped_column(String(160), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    status: Mapped[str] = mapped_column(String(20), default=SubscriberStatus.PENDING)
    # Where consent came from: "form", "home", "settings", "import".
    source: Mapped[str] = mapped_column(String(20), default="form")
    source_detail: Mapped[str] = mapped_column(String(200), default="")
    consent_version: Mapped[str] = mapped_column(String(20), default="")
    consent_text: Mapped[str] = mapped_column(Text, default="")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The secret in this subscriber's links (signed as well, so links cannot be made up).
    key: Mapped[str] = mapped_column(String(32), unique=True)
    bounce_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User | None] = relationship()


# One row per address, whatever its case.
Index("uq_newsletter_subscribers_email", func.lower(Subscriber.email), unique=True)


class ConsentEvent(Base):
    """What happened to a subscriber's consent, when, from where and in which words: the
    record kept to show consent was given (UK GDPR article 7(1)) and withdrawn."""

    __tablename__ = "newsletter_consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_subscribers.id", ondelete="CASCADE"), index=True)
    # "given", "confirmed", "withdrawn", "imported", "suppressed"
    action: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20), default="")
    detail: Mapped[str] = mapped_column(String(200), default="")
    consent_version: Mapped[str] = mapped_column(String(20), default="")
    consent_text: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Suppression(Base):
    """An address that must not be mailed (unsubscribed, or bounced too often), kept as a
    SHA-256 of the address: an import never re-subscribes it, and an erased person leaves
    no readable address behind."""

    __tablename__ = "newsletter_suppressions"

    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))  # "unsubscribed", "bounced"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IssueStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"


class Issue(Base):
    """One newsletter. `number` is given when sending starts: the archive's /newsletter/<n>."""

    __tablename__ = "newsletter_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int | None] = mapped_column(unique=True)
    subject: Mapped[str] = mapped_column(String(150))
    intro_source: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=IssueStatus.DRAFT)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                      index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Kept by the sender, so the progress page counts nothing per row.
    recipient_count: Mapped[int] = mapped_column(default=0)

    items: Mapped[list[IssueItem]] = relationship(
        back_populates="issue", order_by="IssueItem.position", cascade="all, delete-orphan")


class IssueItem(Base):
    """A thing picked from the platform, copied when picked so the archive does not change
    when the original does. A members-only one shows only its title and "sign in to read"."""

    __tablename__ = "newsletter_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("newsletter_issues.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))  # "thread", "event", "qi", "resource"
    target_id: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(String(300), default="")
    path: Mapped[str] = mapped_column(String(300))
    members_only: Mapped[bool] = mapped_column(default=False)

    issue: Mapped[Issue] = relationship(back_populates="items")


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed, committed before the SMTP conversation starts
    SENT = "sent"
    FAILED = "failed"  # refused by the server, or in flight when a sender died (not resent)
    SKIPPED = "skipped"  # unsubscribed or suppressed after the issue started


class Delivery(Base):
    """One recipient of one issue. Made for every confirmed subscriber when sending starts;
    the unique pair is what makes a second copy impossible."""

    __tablename__ = "newsletter_deliveries"
    __table_args__ = (UniqueConstraint("issue_id", "subscriber_id"),
                      Index("ix_newsletter_deliveries_issue_status", "issue_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("newsletter_issues.id", ondelete="CASCADE"))
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_subscribers.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str] = mapped_column(String(300), default="")

    subscriber: Mapped[Subscriber] = relationship()
