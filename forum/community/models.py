"""Alliances, professions and boards: the ways the community groups its discussions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Base, UTCDateTime


class Retirable:
    """Organisers retire what is no longer used: old threads stay readable, and it leaves
    the pickers for new threads and new members (see forum/admin)."""

    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Alliance(Retirable, Base):
    __tablename__ = "alliances"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Alliance {self.slug}>"


class Profession(Retirable, Base):
    __tablename__ = "professions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    group: Mapped[str] = mapped_column(String(80), default="")
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Profession {self.slug}>"


class Board(Retirable, Base):
    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    members_only: Mapped[bool] = mapped_column(default=True)
    # Counters kept by the discussion services, so the home page never counts per row.
    thread_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", ondelete="SET NULL", use_alter=True), index=True
    )

    last_thread: Mapped[Thread | None] = relationship(  # noqa: F821
        foreign_keys=[last_thread_id], post_update=True
    )

    def __repr__(self) -> str:
        return f"<Board {self.slug}>"
