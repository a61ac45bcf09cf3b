"""A member's CPD record: entries in the NMC log's shape, reflective accounts, and settings.

Hours are kept as whole minutes so totals add up exactly (1.5 h + 0.25 h is never 1.7499…).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Base, UTCDateTime, utcnow
from forum.uploads.models import Upload


class Method(enum.StrEnum):
    WEBINAR = "webinar"
    WORKSHOP = "workshop"
    ELEARNING = "e-learning"
    READING = "reading"
    DISCUSSION = "reflective discussion"
    SHADOWING = "shadowing"
    QI = "QI project work"
    CONFERENCE = "conference"
    OTHER = "other"


METHOD_LABELS = {
    Method.WEBINAR: "Webinar", Method.WORKSHOP: "Workshop", Method.ELEARNING: "E-learning",
    Method.READING: "Reading", Method.DISCUSSION: "Reflective discussion",
    Method.SHADOWING: "Shadowing", Method.QI: "QI project work", Method.CONFERENCE: "Conference",
    Method.OTHER: "Other",
}
# Methods that count as participatory by default (learning with others).
PARTICIPATORY = {Method.WEBINAR, Method.WORKSHOP, Method.DISCUSSION, Method.SHADOWING,
                 Method.QI, Method.CONFERENCE}


class CodeTheme(enum.StrEnum):
    PEOPLE = "prioritise-people"
    PRACTISE = "practise-effectively"
    SAFETY = "preserve-safety"
    PROFESSIONALISM = "promote-professionalism"


CODE_LABELS = {
    CodeTheme.PEOPLE: "Prioritise people", CodeTheme.PRACTISE: "Practise effectively",
    CodeTheme.SAFETY: "Preserve safety", CodeTheme.PROFESSIONALISM: "Promote professionalism and trust",
}


class Source(enum.StrEnum):
    OWN = "own"
    EVENT = "event"
    QI = "qi"
    SHADOWING = "shadowing"


class EntryStatus(enum.StrEnum):
    RECORDED = "recorded"    # in the record, counted in the totals
    SUGGESTED = "suggested"  # offered (QI work, shadowing): accept or ignore
    IGNORED = "ignored"      # the member said no; kept so it is not offered again


class CpdSettings(Base):
    """Per member: the revalidation (or HCPC renewal) date the three-year cycle ends on."""

    __tablename__ = "cpd_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    revalidation_date: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CpdEntry(Base):
    """One line of the NMC CPD log. `source`/`source_id` say where it came from: one entry per
    member per event (or write-up, or shadowing visit), held by the unique constraint."""

    __tablename__ = "cpd_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "source", "source_id"),
        Index("ix_cpd_entries_record", "user_id", "status", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20), default=Source.OWN)
    source_id: Mapped[int | None] = mapped_column()  # event, write-up or visit id; None for own
    status: Mapped[str] = mapped_column(String(20), default=EntryStatus.RECORDED)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(40), default=Method.OTHER)
    topic: Mapped[str] = mapped_column(String(200))
    practice: Mapped[str] = mapped_column(Text, default="")  # how it relates to my practice
    minutes: Mapped[int] = mapped_column(default=0)
    participatory_minutes: Mapped[int] = mapped_column(default=0)
    code_theme: Mapped[str] = mapped_column(String(40), default="")
    # Evidence: a certificate the member uploaded, a link on this platform, or the attendance row.
    evidence_upload_id: Mapped[int | None] = mapped_column(
        ForeignKey("uploads.id", ondelete="SET NULL"), index=True)
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    attendance_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_attendance.id", ondelete="SET NULL"), index=True)
    evidence_note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the member changes it: an attendance removed later never deletes their work.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    evidence_upload: Mapped[Upload | None] = relationship()

    @property
    def method_label(self) -> str:
        return METHOD_LABELS.get(self.method, self.method)  # type: ignore[call-overload]

    @property
    def code_label(self) -> str:
        return CODE_LABELS.get(self.code_theme, "")  # type: ignore[call-overload]

    @property
    def needs_practice(self) -> bool:
        return self.status == EntryStatus.RECORDED and not self.practice.strip()


class Reflection(Base):
    """A reflective account in the NMC template's four questions; private to its writer."""

    __tablename__ = "cpd_reflections"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("cpd_entries.id", ondelete="SET NULL"), index=True)
    nature: Mapped[str] = mapped_column(Text, default="")
    learned: Mapped[str] = mapped_column(Text, default="")
    changed: Mapped[str] = mapped_column(Text, default="")
    code_theme: Mapped[str] = mapped_column(String(40), default="")
    code_relevance: Mapped[str] = mapped_column(Text, default="")
    is_draft: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[CpdEntry | None] = relationship()

    @property
    def code_label(self) -> str:
        return CODE_LABELS.get(self.code_theme, "")  # type: ignore[call-overload]

    @property
    def title(self) -> str:
        if self.entry is not None:
            return self.entry.topic
        first = self.nature.strip().splitlines()[0] if self.nature.strip() else "Untitled reflection"
        return first[:80]


class Certificate(Base):
    """A certificate of attendance, issued only for an attendance row. What the public
    verification page shows is copied here when issued, so it never reveals anything else."""

    __tablename__ = "cpd_certificates"
    __table_args__ = (UniqueConstraint("user_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    member_name: Mapped[str] = mapped_column(String(80))
    event_title: Mapped[str] = mapped_column(String(200))
    event_date: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(default=0)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                      index=True)
    revoked_reason: Mapped[str] = mapped_column(String(300), default="")
