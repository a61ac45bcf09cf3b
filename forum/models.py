"""Imports every model module so the metadata is complete (Alembic, create_all, mappers)."""

from forum.auth.models import MemberSession
from forum.community.models import Alliance, Board, Profession
from forum.discussions.models import Draft, Post, PostRevision, Thread, thread_professions
from forum.events.models import (
    Attendance,
    Event,
    EventImport,
    EventOrganiser,
    EventOutcome,
    EventSpeaker,
    ReminderSent,
    Signup,
    event_professions,
)
from forum.members.models import Role, Status, User
from forum.moderation.models import AuditEntry, Report, StaffNote
from forum.notify.models import DigestSent, EmailSettings, Follow, Notification, OutboxMessage
from forum.pages.models import Page, PageRevision
from forum.qi.models import (
    Attachment,
    DataPoint,
    DriverNode,
    Measure,
    PdsaCycle,
    Revision,
    TeamMember,
    TriedIt,
    WriteUp,
    writeup_professions,
)
from forum.uploads.models import Upload

__all__ = [
    "Alliance",
    "Attachment",
    "Attendance",
    "AuditEntry",
    "Board",
    "DataPoint",
    "DigestSent",
    "Draft",
    "DriverNode",
    "EmailSettings",
    "Event",
    "EventImport",
    "EventOrganiser",
    "EventOutcome",
    "EventSpeaker",
    "Follow",
    "Measure",
    "MemberSession",
    "Notification",
    "OutboxMessage",
    "Page",
    "PageRevision",
    "PdsaCycle",
    "Post",
    "PostRevision",
    "Profession",
    "ReminderSent",
    "Report",
    "Revision",
    "Role",
    "Signup",
    "StaffNote",
    "Status",
    "TeamMember",
    "Thread",
    "TriedIt",
    "Upload",
    "User",
    "WriteUp",
    "event_professions",
    "thread_professions",
    "writeup_professions",
]
