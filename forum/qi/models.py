"""A QI write-up in the Model for Improvement's shape: aim, driver diagram, measures with
their data, PDSA cycles, and what others need to replicate it.

Every Markdown field is stored twice, as typed (`x`) and as rendered by `markup.render`
(`x_html`); templates mark only the `_html` columns safe.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.community.models import Alliance, Profession
from forum.db import Base, UTCDateTime, utcnow
from forum.discussions.models import Thread
from forum.members.models import User
from forum.uploads.models import Upload


class Setting(enum.StrEnum):
    GENERAL_PRACTICE = "general-practice"
    COMMUNITY = "community"  # community / district nursing
    ACUTE = "acute"
    HOSPICE = "hospice"
    CARE_HOME = "care-home"
    OTHER = "other"


SETTING_LABELS = {
    Setting.GENERAL_PRACTICE: "General practice",
    Setting.COMMUNITY: "Community and district nursing",
    Setting.ACUTE: "Acute (hospital)",
    Setting.HOSPICE: "Hospice",
    Setting.CARE_HOME: "Care home",
    Setting.OTHER: "Other",
}


class Status(enum.StrEnum):
    IDEA = "idea"
    PLANNING = "planning"
    TESTING = "testing"  # testing changes
    SUSTAINING = "sustaining"
    COMPLETED = "completed"
    STOPPED = "stopped"


STATUS_LABELS = {
    Status.IDEA: "Idea",
    Status.PLANNING: "Planning",
    Status.TESTING: "Testing changes",
    Status.SUSTAINING: "Sustaining",
    Status.COMPLETED: "Completed",
    Status.STOPPED: "Stopped",
}


class MeasureKind(enum.StrEnum):
    OUTCOME = "outcome"
    PROCESS = "process"
    BALANCING = "balancing"


class PdsaAct(enum.StrEnum):
    ADOPT = "adopt"
    ADAPT = "adapt"
    ABANDON = "abandon"


# The Markdown fields of a write-up, in the order the page shows them.
TEXT_FIELDS = ("summary", "background", "aim", "results", "learning",
               "replicate_needs", "replicate_pitfalls")

writeup_professions = Table(
    "qi_writeup_professions",
    Base.metadata,
    Column("writeup_id", ForeignKey("qi_writeups.id", ondelete="CASCADE"), primary_key=True),
    Column("profession_id", ForeignKey("professions.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class WriteUp(Base):
    __tablename__ = "qi_writeups"
    __table_args__ = (Index("ix_qi_writeups_listing", "published_at", "hidden_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_html: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[str] = mapped_column(Text, default="")
    background_html: Mapped[str] = mapped_column(Text, default="")
    aim: Mapped[str] = mapped_column(Text, default="")
    aim_html: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    results_html: Mapped[str] = mapped_column(Text, default="")
    learning: Mapped[str] = mapped_column(Text, default="")
    learning_html: Mapped[str] = mapped_column(Text, default="")
    # How to replicate: what you need, how long it took, pitfalls.
    replicate_needs: Mapped[str] = mapped_column(Text, default="")
    replicate_needs_html: Mapped[str] = mapped_column(Text, default="")
    replicate_time: Mapped[str] = mapped_column(String(200), default="")
    replicate_pitfalls: Mapped[str] = mapped_column(Text, default="")
    replicate_pitfalls_html: Mapped[str] = mapped_column(Text, default="")

    setting: Mapped[str] = mapped_column(String(20), default=Setting.GENERAL_PRACTICE)
    status: Mapped[str] = mapped_column(String(20), default=Status.IDEA)
    # None means pan-London, as for threads.
    alliance_id: Mapped[int | None] = mapped_column(ForeignKey("alliances.id"), index=True)
    start_date: Mapped[date | None] = mapped_column(Date)

    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # who started it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Unpublished (a draft, private to the team) while None.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Members-only like discussions, unless an organiser makes it public.
    is_public: Mapped[bool] = mapped_column(default=False)
    # Its discussion on the Quality improvement board, made when first published.
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", ondelete="SET NULL"), index=True)
    # The write-up this one was started from ("Replicate this project").
    replicated_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("qi_writeups.id", ondelete="SET NULL"), index=True)
    # Counters kept by services, so lists need not count per row.
    replica_count: Mapped[int] = mapped_column(default=0)  # published replicas
    tried_count: Mapped[int] = mapped_column(default=0)  # "We tried this"
    revision_count: Mapped[int] = mapped_column(default=0)
    open_report_count: Mapped[int] = mapped_column(default=0)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])
    alliance: Mapped[Alliance | None] = relationship()
    thread: Mapped[Thread | None] = relationship()
    replicated_from: Mapped[WriteUp | None] = relationship(
        remote_side=[id], foreign_keys=[replicated_from_id])
    professions: Mapped[list[Profession]] = relationship(
        secondary=writeup_professions, order_by=Profession.position)
    team: Mapped[list[TeamMember]] = relationship(
        back_populates="writeup", order_by="TeamMember.position", lazy="raise_on_sql",
        cascade="all, delete-orphan", passive_deletes=True)
    drivers: Mapped[list[DriverNode]] = relationship(
        back_populates="writeup", order_by="DriverNode.position", lazy="raise_on_sql",
        cascade="all, delete-orphan", passive_deletes=True)
    measures: Mapped[list[Measure]] = relationship(
        back_populates="writeup", order_by="Measure.position", lazy="raise_on_sql",
        cascade="all, delete-orphan", passive_deletes=True)
    cycles: Mapped[list[PdsaCycle]] = relationship(
        back_populates="writeup", order_by="PdsaCycle.position", lazy="raise_on_sql",
        cascade="all, delete-orphan", passive_deletes=True)
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="writeup", order_by="Attachment.id", lazy="raise_on_sql",
        cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def __repr__(self) -> str:
        return f"<WriteUp {self.id} {self.title!r}>"


class TeamMember(Base):
    """A member credited on a write-up (a patient partner like anyone else); co-authors edit."""

    __tablename__ = "qi_team_members"
    __table_args__ = (UniqueConstraint("writeup_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    writeup_id: Mapped[int] = mapped_column(ForeignKey("qi_writeups.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(120), default="")  # e.g. "Project lead"
    is_coauthor: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    writeup: Mapped[WriteUp] = relationship(back_populates="team")
    user: Mapped[User] = relationship()


class DriverNode(Base):
    """One box of the driver diagram. The aim is the root (the write-up's aim); depth 0 is a
    primary driver, 1 a secondary driver, 2 a change idea."""

    __tablename__ = "qi_driver_nodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    writeup_id: Mapped[int] = mapped_column(
        ForeignKey("qi_writeups.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("qi_driver_nodes.id", ondelete="CASCADE"), index=True)
    depth: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)  # among its siblings

    writeup: Mapped[WriteUp] = relationship(back_populates="drivers")


class Measure(Base):
    __tablename__ = "qi_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    writeup_id: Mapped[int] = mapped_column(
        ForeignKey("qi_writeups.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # The measure replicas are compared on (one per write-up; the first if none is marked).
    is_primary: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12), default=MeasureKind.OUTCOME)
    definition: Mapped[str] = mapped_column(Text, default="")  # operational definition
    definition_html: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(40), default="")
    better: Mapped[str | None] = mapped_column(String(4))  # "up", "down" or None
    target: Mapped[float | None] = mapped_column(Float)
    chart: Mapped[str] = mapped_column(String(8), default="auto")  # "auto", "run" or "spc"

    writeup: Mapped[WriteUp] = relationship(back_populates="measures")
    points: Mapped[list[DataPoint]] = relationship(
        back_populates="measure", order_by="DataPoint.period", lazy="raise_on_sql",
        cascade="all, delete-orphan", passive_deletes=True)


class DataPoint(Base):
    __tablename__ = "qi_data_points"
    __table_args__ = (UniqueConstraint("measure_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("qi_measures.id", ondelete="CASCADE"))
    # The date the value belongs to; a month ("Mar-24") is stored as its first day.
    period: Mapped[date] = mapped_column(Date)
    # How the period is shown: "day" (1 Mar 2024), "week" or "month" (March 2024).
    period_kind: Mapped[str] = mapped_column(String(8), default="day")
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    note_html: Mapped[str] = mapped_column(Text, default="")

    measure: Mapped[Measure] = relationship(back_populates="points")


class PdsaCycle(Base):
    """One Plan-Do-Study-Act cycle; may be marked on a measure's chart, and may rebase it."""

    __tablename__ = "qi_pdsa_cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    writeup_id: Mapped[int] = mapped_column(
        ForeignKey("qi_writeups.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    change_idea: Mapped[str] = mapped_column(String(300))  # the change tested
    change_node_id: Mapped[int | None] = mapped_column(
        ForeignKey("qi_driver_nodes.id", ondelete="SET NULL"), index=True)
    plan: Mapped[str] = mapped_column(Text, default="")
    plan_html: Mapped[str] = mapped_column(Text, default="")
    prediction: Mapped[str] = mapped_column(Text, default="")
    prediction_html: Mapped[str] = mapped_column(Text, default="")
    do: Mapped[str] = mapped_column(Text, default="")
    do_html: Mapped[str] = mapped_column(Text, default="")
    study: Mapped[str] = mapped_column(Text, default="")
    study_html: Mapped[str] = mapped_column(Text, default="")
    act: Mapped[str | None] = mapped_column(String(8))  # adopt / adapt / abandon
    act_notes: Mapped[str] = mapped_column(Text, default="")
    act_notes_html: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    # The chart it is marked on (at started_on), and whether it was a lasting change after
    # which that chart's limits are recalculated.
    measure_id: Mapped[int | None] = mapped_column(
        ForeignKey("qi_measures.id", ondelete="SET NULL"), index=True)
    rebase: Mapped[bool] = mapped_column(default=False)

    writeup: Mapped[WriteUp] = relationship(back_populates="cycles")
    measure: Mapped[Measure | None] = relationship()


class Attachment(Base):
    __tablename__ = "qi_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    writeup_id: Mapped[int] = mapped_column(
        ForeignKey("qi_writeups.id", ondelete="CASCADE"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"), index=True)
    caption: Mapped[str] = mapped_column(String(200), default="")

    writeup: Mapped[WriteUp] = relationship(back_populates="attachments")
    upload: Mapped[Upload] = relationship()


class Revision(Base):
    """A published write-up as it stood after an edit: every text field, as typed."""

    __tablename__ = "qi_revisions"
    __table_args__ = (UniqueConstraint("writeup_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    writeup_id: Mapped[int] = mapped_column(ForeignKey("qi_writeups.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    title: Mapped[str] = mapped_column(String(200))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)  # field name -> Markdown source

    editor: Mapped[User] = relationship()


class TriedIt(Base):
    """"We tried this": a member's short note without a full write-up."""

    __tablename__ = "qi_tried"
    __table_args__ = (UniqueConstraint("writeup_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    writeup_id: Mapped[int] = mapped_column(
        ForeignKey("qi_writeups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    note_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
