"""Events: webinars and face-to-face workshops, their sign-ups and waiting lists, and (for the
second half of issue 13) attendance, learning outcomes and counts imported from past years.

Times are stored in UTC (`UTCDateTime`) and shown in Europe/London (forum.events.london).
The description is stored as typed and as rendered by `markup.render`; templates mark only
`description_html` safe.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.community.models import Alliance, Board, Profession
from forum.db import Base, UTCDateTime, utcnow
from forum.members.models import User, _enum


class Kind(enum.StrEnum):
    WEBINAR = "webinar"
    FACE_TO_FACE = "face-to-face"
    HYBRID = "hybrid"


KIND_LABELS = {Kind.WEBINAR: "Webinar", Kind.FACE_TO_FACE: "Face-to-face",
               Kind.HYBRID: "Hybrid (in person and online)"}


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class SignupStatus(enum.StrEnum):
    CONFIRMED = "confirmed"    # has a place
    WAITING = "waiting"        # on the waiting list, in `queued_at` order
    UNVERIFIED = "unverified"  # a guest who has not yet opened the link in their email
    CANCELLED = "cancelled"


event_professions = Table(
    "event_professions",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("profession_id", ForeignKey("professions.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_listing", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[Kind] = mapped_column(_enum(Kind, "event_kind"), default=Kind.WEBINAR)
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus, "event_status"),
                                                default=EventStatus.DRAFT)
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id"), index=True)
    alliance_id: Mapped[int | None] = mapped_column(ForeignKey("alliances.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signup_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    venue: Mapped[str] = mapped_column(Text, default="")
    accessibility: Mapped[str] = mapped_column(Text, default="")
    joining_link: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None] = mapped_column()  # None: imported events, whose size is unknown
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    speakers: Mapped[str] = mapped_column(Text, default="")  # free-text names, one a line
    questions: Mapped[str] = mapped_column(Text, default="")  # optional questions, one a line
    is_public: Mapped[bool] = mapped_column(default=True)
    allow_guests: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped on every change people with a place are told about: the .ics SEQUENCE.
    sequence: Mapped[int] = mapped_column(default=0)
    # Counters kept by the sign-up services (and compared with capacity in one UPDATE).
    confirmed_count: Mapped[int] = mapped_column(default=0)
    waiting_count: Mapped[int] = mapped_column(default=0)
    # For the second half: past events imported with counts but no people behind them.
    imported_from: Mapped[str] = mapped_column(String(200), default="")
    imported_signups: Mapped[int | None] = mapped_column()
    imported_attended: Mapped[int | None] = mapped_column()
    recording_url: Mapped[str] = mapped_column(String(500), default="")
    slides_url: Mapped[str] = mapped_column(String(500), default="")
    # Attendees may give feedback once an organiser opens the form (forum.events.feedback).
    feedback_open: Mapped[bool] = mapped_column(default=False, server_default=false())

    board: Mapped[Board | None] = relationship()
    alliance: Mapped[Alliance | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    professions: Mapped[list[Profession]] = relationship(secondary=event_professions,
                                                         order_by=Profession.position)
    member_speakers: Mapped[list[EventSpeaker]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventSpeaker.id")

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.confirmed_count >= self.capacity

    @property
    def places_left(self) -> int:
        return max(0, (self.capacity or 0) - self.confirmed_count)

    @property
    def is_online(self) -> bool:
        return self.kind in (Kind.WEBINAR, Kind.HYBRID)

    @property
    def is_in_person(self) -> bool:
        return self.kind in (Kind.FACE_TO_FACE, Kind.HYBRID)

    @property
    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]

    @property
    def speaker_names(self) -> list[str]:
        return [s.strip() for s in self.speakers.splitlines() if s.strip()]

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class EventSpeaker(Base):
    """A speaker who is a member (their profile is linked); others are free-text names."""

    __tablename__ = "event_speakers"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    event: Mapped[Event] = relationship(back_populates="member_speakers")
    user: Mapped[User] = relationship()


class EventOrganiser(Base):
    """A member an organiser (admin) has allowed to run events; admins always may."""

    __tablename__ = "event_organisers"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Signup(Base):
    """A member's or a guest's place (or place in the queue) at one event.

    One row per person per event (cancelling and signing up again reuses it), so signing up
    twice does nothing twice; the unique constraints hold that under concurrency.
    """

    __tablename__ = "event_signups"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        UniqueConstraint("event_id", "guest_email", name="uq_event_signups_guest_email"),
        Index("ix_event_signups_queue", "event_id", "status", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Guests (no account): the address is kept in lower case, so one person is one row.
    guest_name: Mapped[str] = mapped_column(String(120), default="")
    guest_email: Mapped[str | None] = mapped_column(String(254))
    guest_profession: Mapped[str] = mapped_column(String(120), default="")
    guest_organisation: Mapped[str] = mapped_column(String(160), default="")
    status: Mapped[SignupStatus] = mapped_column(_enum(SignupStatus, "signup_status"))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Answers to the event's optional questions (organisers only); deleted 30 days after.
    answers: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    answers_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def name(self) -> str:
        return self.user.display_name if self.user else self.guest_name

    @property
    def email(self) -> str:
        return self.user.email if self.user else (self.guest_email or "")

    @property
    def has_place(self) -> bool:
        return self.status == SignupStatus.CONFIRMED


class ReminderSent(Base):
    """One row per reminder per sign-up: the unique key makes each reminder go once, however
    many workers or cron runs race for it."""

    __tablename__ = "event_reminders_sent"
    __table_args__ = (UniqueConstraint("signup_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("event_signups.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # "day" or "hour"
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Attendance(Base):
    """Who came (second half of issue 13): a sign-up ticked on the checklist, a walk-in, or a
    row matched from a Teams or Zoom attendance report."""

    __tablename__ = "event_attendance"
    __table_args__ = (UniqueConstraint("event_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("event_signups.id", ondelete="SET NULL"),
                                                  index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254))
    minutes: Mapped[int | None] = mapped_column()
    source: Mapped[str] = mapped_column(String(20), default="checklist")  # checklist/walk-in/teams/zoom
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The member who came (from their sign-up, or a walk-in's email matching an account): the
    # one "You attended" and CPD (through the `events.attended` outbox topic) are keyed on.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Walk-ins without an account say what they do and where (a member's come from their profile).
    profession: Mapped[str] = mapped_column(String(120), default="", server_default="")
    organisation: Mapped[str] = mapped_column(String(160), default="", server_default="")

    signup: Mapped[Signup | None] = relationship()
    user: Mapped[User | None] = relationship()


class EventOutcome(Base):
    """A learning outcome an event led to (shadowing opportunities, online resource …)."""

    __tablename__ = "event_outcomes"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))


class EventFeedback(Base):
    """One attendee's feedback on one event. The member is kept only so each gives it once;
    the summary organisers see never names them."""

    __tablename__ = "event_feedback"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),
                      CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column()
    learnt: Mapped[str] = mapped_column(Text, default="")
    change: Mapped[str] = mapped_column(Text, default="")
    comments: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EventImport(Base):
    """One imported table of past events (e.g. events-2023.tsv): its year and the Total row as
    the community wrote it, so the report can show the stated figures beside the counted ones."""

    __tablename__ = "event_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(200), unique=True)  # the file's name
    year: Mapped[int] = mapped_column(index=True)
    rows: Mapped[int] = mapped_column(default=0)
    stated_signups: Mapped[str] = mapped_column(String(40), default="")  # as written, e.g. "647"
    stated_attended: Mapped[str] = mapped_column(String(40), default="")  # e.g. "360 +"
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
