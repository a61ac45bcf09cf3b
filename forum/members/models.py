"""Members of the community: who they are, what they do, and what they may do."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.community.models import Alliance, Profession
from forum.db import Base, UTCDateTime, utcnow


class Role(enum.StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class Status(enum.StrEnum):
    PENDING = "pending"  # waiting for email verification or a moderator's approval
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REJECTED = "rejected"
    ERASED = "erased"  # the member deleted their account: "Former member", no personal data


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e])


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    profession_id: Mapped[int | None] = mapped_column(ForeignKey("professions.id"), index=True)
    alliance_id: Mapped[int | None] = mapped_column(ForeignKey("alliances.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(160), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), default=Role.MEMBER)
    status: Mapped[Status] = mapped_column(_enum(Status, "status"), default=Status.PENDING)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspension_reason: Mapped[str] = mapped_column(Text, default="")
    # When they ticked "I will follow the community guidelines" on joining (None: joined before).
    guidelines_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notify_replies: Mapped[bool] = mapped_column(default=True)
    # Counters kept by services: posts written, and posts a moderator let through.
    post_count: Mapped[int] = mapped_column(default=0)
    approved_post_count: Mapped[int] = mapped_column(default=0)

    profession: Mapped[Profession | None] = relationship()
    alliance: Mapped[Alliance | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login: pending and rejected accounts cannot sign in
        return self.status in (Status.ACTIVE, Status.SUSPENDED)

    # The key of the signed-in session this member was loaded from (not a column): set by
    # forum.auth.sessions when a browser signs in or its cookie is read.
    session_key = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and remember-me cookies: the member's id and
        their session's key, which forum.auth.sessions checks against the server's record."""
        return f"{self.id}.{self.session_key or ''}"

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_suspended(self) -> bool:
        return self.status == Status.SUSPENDED

    @property
    def email_domain(self) -> str:
        return self.email.rsplit("@", 1)[-1].lower()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.display_name!r}>"


# Unique whatever the letter case: Amara@NHS.net and amara@nhs.net are one person.
Index("uq_users_email_lower", func.lower(User.email), unique=True)

