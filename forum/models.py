"""Imports every model module so the metadata is complete (Alembic, create_all, mappers)."""

from forum.auth.models import MemberSession
from forum.community.models import Alliance, Board, Profession
from forum.discussions.models import Draft, Post, PostRevision, Thread, thread_professions
from forum.members.models import Role, Status, User
from forum.moderation.models import AuditEntry, Report, StaffNote
from forum.notify.models import DigestSent, EmailSettings, Follow, Notification, OutboxMessage
from forum.pages.models import Page, PageRevision

__all__ = [
    "Alliance", "AuditEntry", "Board", "DigestSent", "Draft", "EmailSettings", "Follow",
    "MemberSession", "Notification", "OutboxMessage",
    "Page", "PageRevision", "Post", "PostRevision", "Profession", "Report", "Role", "StaffNote",
    "Status", "Thread", "User",
    "thread_professions",
]
