"""Reports, the audit log and staff notes: the trail moderation leaves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Base, UTCDateTime, utcnow
from forum.discussions.models import Post
from forum.members.models import User
from forum.qi.models import WriteUp

# Why a member reports a post: stored value -> what people read.
REPORT_REASONS = {
    "patient_data": "Patient-identifiable information",
    "unsafe": "Clinically unsafe or inaccurate",
    "abusive": "Offensive or abusive",
    "spam": "Spam",
    "other": "Something else",
}


class ReportStatus:
    OPEN = "open"
    RESOLVED = "resolved"  # a moderator acted on the post
    DISMISSED = "dismissed"  # a moderator decided the post may stay


class Report(Base):
    """A member's report of a post, or of a QI write-up (exactly one of the two is set)."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_status_created", "status", "created_at"),
        CheckConstraint("(post_id IS NULL) <> (writeup_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    writeup_id: Mapped[int | None] = mapped_column(
        ForeignKey("qi_writeups.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    outcome: Mapped[str] = mapped_column(Text, default="")

    post: Mapped[Post | None] = relationship()
    writeup: Mapped[WriteUp | None] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])


class AuditEntry(Base):
    """Append-only: services insert, nothing updates or deletes."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()


class StaffNote(Base):
    __tablename__ = "staff_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User] = relationship(foreign_keys=[author_id])


@event.listens_for(AuditEntry, "before_update")
def _audit_is_append_only(mapper, connection, target: AuditEntry) -> None:
    raise RuntimeError("Audit entries cannot be changed.")


@event.listens_for(AuditEntry, "before_delete")
def _audit_is_never_deleted(mapper, connection, target: AuditEntry) -> None:
    raise RuntimeError("Audit entries cannot be deleted.")
