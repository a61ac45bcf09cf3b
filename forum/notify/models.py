"""The outbox (work to do after commit) and in-site notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.community.models import Alliance, Board, Profession
from forum.db import Base, UTCDateTime, utcnow


class OutboxMessage(Base):
    """Written in the same transaction as the change it follows; applied after commit."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "topic", "processed_at", "id"),
                      Index("ix_outbox_claimed_by", "claimed_by"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # "email", "search", … and domain events such as "events.attendance_removed" (25).
    topic: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    # Which deliverer holds the row, and until when: one deliverer claims rows with one
    # UPDATE, so two (an overlapping cron) never both send; a stopped one's claim lapses.
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Notification(Base):
    """Something a member is told on the site. Replies in one thread are grouped on write:
    while unread, the row counts them ("3 new replies in ...") and links to the first."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),
                      Index("ix_notifications_user_post", "user_id", "post_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"),
                                                  index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # "" nothing to send; "queued": waits for the member's batched email; "sent".
    email_state: Mapped[str] = mapped_column(String(10), default="")


class Follow(Base):
    """What a member follows: a thread, a QI write-up or an event (`target_kind` + `target_id`),
    or the new discussions matching a board, an alliance and a profession (any of them may
    be empty: "district nurses in South East London" is alliance + profession).

    "Stop following" keeps the row with `stopped_at` set, so replying again to a thread one
    stopped following does not quietly follow it again.
    """

    __tablename__ = "follows"
    __table_args__ = (Index("ix_follows_target", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # "thread", "discussions"; later kinds ("qi", "event") are followed the same way.
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int | None] = mapped_column()
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"),
                                                 index=True)
    alliance_id: Mapped[int | None] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True)
    profession_id: Mapped[int | None] = mapped_column(
        ForeignKey("professions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    board: Mapped[Board | None] = relationship()
    alliance: Mapped[Alliance | None] = relationship()
    profession: Mapped[Profession | None] = relationship()


# One row per member per thing followed (nulls compared as 0, as drafts do).
Index("uq_follows_member_target", Follow.user_id, Follow.target_kind,
      func.coalesce(Follow.target_id, 0), func.coalesce(Follow.board_id, 0),
      func.coalesce(Follow.alliance_id, 0), func.coalesce(Follow.profession_id, 0), unique=True)


class EmailSettings(Base):
    """How a member wants each kind of email (forum.notify.preferences), and the state of
    their address: bounces, and the batch of notifications waiting to go as one email.

    A member without a row has the defaults."""

    __tablename__ = "email_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    replies: Mapped[str] = mapped_column(String(12), default="immediately")
    mentions: Mapped[str] = mapped_column(String(12), default="immediately")
    new_discussions: Mapped[str] = mapped_column(String(12), default="daily")
    moderation: Mapped[str] = mapped_column(String(12), default="immediately")
    weekly_day: Mapped[int] = mapped_column(default=0)  # Monday, in London
    weekly_hour: Mapped[int] = mapped_column(default=8)
    # The secret in this member's unsubscribe links (signed as well, so links cannot be made).
    key: Mapped[str] = mapped_column(String(32), unique=True)
    bounce_count: Mapped[int] = mapped_column(default=0)
    mail_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    batch_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DigestSent(Base):
    """A digest period sent to a member: `flask notify digests` run twice sends it once."""

    __tablename__ = "digests_sent"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    period: Mapped[str] = mapped_column(String(24), primary_key=True)  # "daily:2026-10-25"
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    items: Mapped[int] = mapped_column(default=0)
