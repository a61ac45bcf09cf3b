"""The HCPC CPD profile: a member's personal statement and their explanations of gaps.

Kept apart from the NMC log's tables: only HCPC registrants need them, and a gap note is
tied to dates, not to entries, so editing the record never deletes one.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Base, UTCDateTime, utcnow


class HcpcProfile(Base):
    """Per member: the summary of practice and the statement against the CPD standards."""

    __tablename__ = "cpd_hcpc_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    statement: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GapNote(Base):
    """Why there was no CPD between two dates. The dates are the gap's when last explained;
    a gap that moves (an entry added or changed) keeps the note that overlaps it most."""

    __tablename__ = "cpd_gap_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    explanation: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
