"""Imports every model module so the metadata is complete (Alembic, create_all, mappers)."""

from forum.auth.models import MemberSession
from forum.community.models import Alliance, Board, Profession
from forum.cpd.hcpc_models import GapNote, HcpcProfile
from forum.cpd.models import Certificate, CpdEntry, CpdSettings, Reflection
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
from forum.newsletter.models import (
    ConsentEvent,
    Delivery,
    Issue,
    IssueItem,
    Subscriber,
    Suppression,
)
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
from forum.resources.models import Resource, resource_professions
from forum.shadowing.models import ShadowingInterest, ShadowingOffer
from forum.uploads.models import Upload

__all__ = [
    "Alliance",
    "Attachment",
    "Attendance",
    "AuditEntry",
    "Board",
    "Certificate",
    "ConsentEvent",
    "CpdEntry",
    "CpdSettings",
    "DataPoint",
    "Delivery",
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
    "GapNote",
    "HcpcProfile",
    "Issue",
    "IssueItem",
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
    "Reflection",
    "ReminderSent",
    "Report",
    "Resource",
    "Revision",
    "Role",
    "ShadowingInterest",
    "ShadowingOffer",
    "Signup",
    "StaffNote",
    "Status",
    "Subscriber",
    "Suppression",
    "TeamMember",
    "Thread",
    "TriedIt",
    "Upload",
    "User",
    "WriteUp",
    "event_professions",
    "resource_professions",
    "thread_professions",
    "writeup_professions",
]
