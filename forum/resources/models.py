"""A resource in the library, and the professions it is tagged with.

A guide's text is stored as typed and as rendered by `markup.render`; templates mark only
`body_html` safe. An uploaded document is an `Upload` (forum.uploads), never a file in static/.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.community.models import Alliance, Board, Profession
from forum.db import Base, UTCDateTime, utcnow
from forum.events.models import Event
from forum.members.models import User, _enum
from forum.uploads.models import Upload


class ResourceKind(enum.StrEnum):
    RECORDING = "recording"
    DOCUMENT = "document"
    LINK = "link"
    GUIDE = "guide"


KIND_LABELS = {ResourceKind.RECORDING: "Recording", ResourceKind.DOCUMENT: "Document or slides",
               ResourceKind.LINK: "Web link", ResourceKind.GUIDE: "Guide"}


class ResourceStatus(enum.StrEnum):
    SUGGESTED = "suggested"  # a member's suggestion, waiting for an organiser
    PUBLISHED = "published"
    DECLINED = "declined"    # a suggestion an organiser turned down (with a reason)
    RETIRED = "retired"      # out of date: kept for its history, shown to curators only


resource_professions = Table(
    "resource_professions",
    Base.metadata,
    Column("resource_id", ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True),
    Column("profession_id", ForeignKey("professions.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Resource(Base):
    __tablename__ = "resources"
    __table_args__ = (Index("ix_resources_listing", "status", "featured_at", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[ResourceKind] = mapped_column(_enum(ResourceKind, "resource_kind"))
    status: Mapped[ResourceStatus] = mapped_column(_enum(ResourceStatus, "resource_status"),
                                                   default=ResourceStatus.SUGGESTED)
    url: Mapped[str] = mapped_column(String(500), default="")  # recordings and web links
    minutes: Mapped[int | None] = mapped_column()  # a recording's length
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"),
                                                  index=True)
    body_source: Mapped[str] = mapped_column(Text, default="")  # guides: Markdown
    body_html: Mapped[str] = mapped_column(Text, default="")
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id"), index=True)
    alliance_id: Mapped[int | None] = mapped_column(ForeignKey("alliances.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"),
                                                 index=True)
    is_public: Mapped[bool] = mapped_column(default=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                    index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    review_note: Mapped[str] = mapped_column(Text, default="")  # why a suggestion was declined
    featured_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    board: Mapped[Board | None] = relationship()
    alliance: Mapped[Alliance | None] = relationship()
    event: Mapped[Event | None] = relationship()
    upload: Mapped[Upload | None] = relationship()
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])
    professions: Mapped[list[Profession]] = relationship(secondary=resource_professions,
                                                         order_by=Profession.position)

    @property
    def is_published(self) -> bool:
        return self.status == ResourceStatus.PUBLISHED

    @property
    def is_featured(self) -> bool:
        return self.featured_at is not None and self.is_published

    @property
    def length_text(self) -> str:
        """"1 hour 5 minutes" for a recording's length; "" when unknown."""
        if not self.minutes:
            return ""
        hours, minutes = divmod(self.minutes, 60)
        parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
        if minutes:
            parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"<Resource {self.id} {self.title!r}>"
