"""Reads for moderation pages. Each list loads what it shows in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from forum.discussions.models import Post, Thread
from forum.extensions import db
from forum.members.models import Status, User
from forum.moderation.models import AuditEntry, Report, ReportStatus, StaffNote

QUEUE_LIMIT = 50
AUDIT_PER_PAGE = 50


@dataclass
class ReportedPost:
    post: Post
    reports: list[Report] = field(default_factory=list)


def _post_in_context():
    """A post with what the queue shows around it: thread, board, author, the post it answers."""
    parent = aliased(Post)
    return (
        joinedload(Post.thread).joinedload(Thread.board),
        joinedload(Post.author).joinedload(User.profession),
        joinedload(Post.reply_to.of_type(parent)).joinedload(parent.author),
    )


def reported_posts(limit: int = QUEUE_LIMIT) -> list[ReportedPost]:
    """Posts with open reports, oldest report first, each with its open reports (2 queries)."""
    first = (select(Report.post_id, func.min(Report.created_at).label("first"))
             .where(Report.status == ReportStatus.OPEN).group_by(Report.post_id).subquery())
    posts = list(db.session.scalars(
        select(Post).join(first, first.c.post_id == Post.id)
        .options(*_post_in_context())
        .order_by(first.c.first, Post.id).limit(limit)
    ))
    if not posts:
        return []
    reports = db.session.scalars(
        select(Report).where(Report.status == ReportStatus.OPEN,
                             Report.post_id.in_([p.id for p in posts]))
        .options(joinedload(Report.reporter)).order_by(Report.created_at, Report.id)
    )
    grouped: dict[int, list[Report]] = defaultdict(list)
    for report in reports:
        grouped[report.post_id].append(report)
    return [ReportedPost(post, grouped[post.id]) for post in posts]


def open_report_total() -> int:
    return db.session.scalar(
        select(func.count(func.distinct(Report.post_id))).where(Report.status == ReportStatus.OPEN)
    ) or 0


def pending_posts(limit: int = QUEUE_LIMIT) -> list[Post]:
    """Posts waiting for approval (first posts, patient-data checks), oldest first."""
    return list(db.session.scalars(
        select(Post).where(Post.pending.is_(True), Post.hidden_at.is_(None),
                           Post.deleted_at.is_(None))
        .options(*_post_in_context())
        .order_by(Post.created_at, Post.id).limit(limit)
    ))


def pending_post_total() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Post).where(
            Post.pending.is_(True), Post.hidden_at.is_(None), Post.deleted_at.is_(None))
    ) or 0


def waiting_members(limit: int = 10) -> tuple[list[User], int]:
    """Verified applicants from other email domains, waiting for a moderator (approve them on
    the members' approval page)."""
    where = (User.status == Status.PENDING, User.email_verified_at.is_not(None))
    users = list(db.session.scalars(
        select(User).where(*where).options(joinedload(User.profession), joinedload(User.alliance))
        .order_by(User.created_at, User.id).limit(limit)
    ))
    total = db.session.scalar(select(func.count()).select_from(User).where(*where)) or 0
    return users, total


def profile_confirmations(days: int = 30, limit: int = 20) -> list[AuditEntry]:
    """Members who kept profile text the patient-data guard questioned, most recent first."""
    from datetime import timedelta

    from forum.db import utcnow
    from forum.moderation.services.members import PROFILE_PID_ACTION

    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == PROFILE_PID_ACTION,
                                 AuditEntry.created_at >= utcnow() - timedelta(days=days))
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)
    ))


# --- the audit log ------------------------------------------------------------------------

@dataclass
class AuditTargets:
    """What audit entries point at, loaded once per page (3 queries whatever the rows)."""

    threads: dict[int, Thread]
    posts: dict[int, Post]
    users: dict[int, User]


def audit_page(*, action: str | None = None, actor_id: int | None = None,
               target_type: str | None = None, target_id: int | None = None,
               page: int = 1, per_page: int = AUDIT_PER_PAGE) -> Pagination:
    stmt = select(AuditEntry).options(joinedload(AuditEntry.actor))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if target_type:
        stmt = stmt.where(AuditEntry.target_type == target_type)
    if target_id is not None:
        stmt = stmt.where(AuditEntry.target_id == target_id)
    stmt = stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def audit_targets(entries: list[AuditEntry]) -> AuditTargets:
    ids: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.target_id is not None:
            ids[entry.target_type].add(entry.target_id)
    threads = {t.id: t for t in db.session.scalars(
        select(Thread).where(Thread.id.in_(ids["thread"])))} if ids["thread"] else {}
    posts = {p.id: p for p in db.session.scalars(
        select(Post).where(Post.id.in_(ids["post"])).options(joinedload(Post.thread)))
    } if ids["post"] else {}
    users = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_(ids["user"])))} if ids["user"] else {}
    return AuditTargets(threads, posts, users)


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def audit_actors() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.id.in_(select(AuditEntry.actor_id).where(
            AuditEntry.actor_id.is_not(None)).distinct())).order_by(User.display_name)
    ))


# --- members ------------------------------------------------------------------------------

def get_member(user_id: int) -> User | None:
    return db.session.scalar(
        select(User).where(User.id == user_id)
        .options(joinedload(User.profession), joinedload(User.alliance))
    )


def staff_notes(member: User) -> list[StaffNote]:
    return list(db.session.scalars(
        select(StaffNote).where(StaffNote.member_id == member.id)
        .options(joinedload(StaffNote.author)).order_by(StaffNote.created_at.desc(), StaffNote.id.desc())
    ))


def member_history(member: User, limit: int = 50) -> list[AuditEntry]:
    """Moderation of this member (warnings, suspensions, approvals), newest first."""
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.target_type == "user", AuditEntry.target_id == member.id)
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)
    ))


def reports_against(member: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Report).join(Post, Post.id == Report.post_id)
        .where(Post.author_id == member.id)
    ) or 0


def waiting_posts(member: User) -> int:
    from forum.discussions.queries import waiting_post_count

    return waiting_post_count(member)


def thread_for_moderation(thread_id: int) -> Thread | None:
    from forum.discussions.queries import get_thread

    return get_thread(thread_id)


def post_for_moderation(post_id: int) -> Post | None:
    from forum.discussions.queries import get_post

    return get_post(post_id)


def thread_replies(thread: Thread) -> list[Post]:
    """Every reply in a thread (for choosing which to split off), oldest first."""
    return list(db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.is_opening.is_(False))
        .options(joinedload(Post.author)).order_by(Post.created_at, Post.id)
    ))
