"""Reads for the newsletter pages: the things an issue can pick from the platform, counts
for the organiser's overview and an issue's progress, and the archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum.db import utcnow
from forum.discussions.models import Thread
from forum.discussions.policy import visible_threads
from forum.events import london
from forum.events.models import KIND_LABELS, Event, EventStatus
from forum.events.policy import visible_events
from forum.extensions import db
from forum.newsletter.models import (
    ConsentEvent,
    Delivery,
    DeliveryStatus,
    Issue,
    IssueStatus,
    Subscriber,
    SubscriberStatus,
    Suppression,
)
from forum.qi.models import WriteUp
from forum.qi.policy import visible_writeups

RECENT = timedelta(days=62)
SIGN_IN = "Members only: sign in to read"


@dataclass(frozen=True)
class Candidate:
    """Something an issue can include: what the email shows of it, and where it links."""

    kind: str
    target_id: int
    title: str
    text: str
    path: str
    members_only: bool

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.target_id}"


def _line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def candidates(viewer: Any) -> dict[str, list[Candidate]]:
    """Recent discussions, upcoming events and new QI write-ups, by kind: one query each.
    Members-only ones carry only their title (the email goes to people who are not members)."""
    since = utcnow() - RECENT
    threads = db.session.scalars(
        visible_threads(select(Thread), viewer).options(joinedload(Thread.board))
        .where(Thread.created_at >= since, Thread.merged_into_id.is_(None))
        .order_by(Thread.created_at.desc()).limit(20))
    events = db.session.scalars(
        visible_events(select(Event), viewer)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at >= utcnow())
        .order_by(Event.starts_at).limit(15))
    writeups = db.session.scalars(
        visible_writeups(select(WriteUp), viewer).where(WriteUp.published_at >= since)
        .order_by(WriteUp.published_at.desc()).limit(15))
    out: dict[str, list[Candidate]] = {"thread": [], "event": [], "qi": []}
    for t in threads:
        private = t.board.members_only
        replies = f"{t.reply_count} repl{'y' if t.reply_count == 1 else 'ies'}"
        out["thread"].append(Candidate(
            "thread", t.id, t.title, SIGN_IN if private else f"In {t.board.name}, {replies}",
            url_for("discussions.show_thread", thread_id=t.id), private))
    for e in events:
        out["event"].append(Candidate(
            "event", e.id, e.title,
            SIGN_IN if not e.is_public else f"{KIND_LABELS.get(e.kind, 'Event')}, {london.show(e.starts_at)}",
            url_for("events.show_event", event_id=e.id), not e.is_public))
    for w in writeups:
        out["qi"].append(Candidate(
            "qi", w.id, w.title, SIGN_IN if not w.is_public else _line(w.summary or w.aim),
            url_for("qi.show_writeup", writeup_id=w.id), not w.is_public))
    return out


KIND_HEADINGS = {"thread": "Recent discussions", "event": "Coming up", "qi": "New QI write-ups",
                 "resource": "New resources"}


def list_counts() -> dict[str, int]:
    rows = dict(db.session.execute(
        select(Subscriber.status, func.count()).group_by(Subscriber.status)).all())
    return {"subscribed": rows.get(SubscriberStatus.SUBSCRIBED, 0),
            "pending": rows.get(SubscriberStatus.PENDING, 0),
            "unsubscribed": rows.get(SubscriberStatus.UNSUBSCRIBED, 0),
            "suppressed": db.session.scalar(select(func.count()).select_from(Suppression)) or 0}


def progress(issue: Issue) -> dict[str, int]:
    """Sent, pending (and being sent), failed and skipped for one issue, in one query."""
    rows = dict(db.session.execute(
        select(Delivery.status, func.count()).where(Delivery.issue_id == issue.id)
        .group_by(Delivery.status)).all())
    return {"sent": rows.get(DeliveryStatus.SENT, 0),
            "pending": rows.get(DeliveryStatus.PENDING, 0) + rows.get(DeliveryStatus.SENDING, 0),
            "failed": rows.get(DeliveryStatus.FAILED, 0),
            "skipped": rows.get(DeliveryStatus.SKIPPED, 0),
            "total": sum(rows.values())}


def unsubscribed_after(issue: Issue, days: int = 7) -> int:
    """People who left the list in the week after an issue went (no tracking: the one
    signal we have of how it landed, beside bounces)."""
    if issue.started_at is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(ConsentEvent).where(
        ConsentEvent.action == "withdrawn", ConsentEvent.at >= issue.started_at,
        ConsentEvent.at < issue.started_at + timedelta(days=days))) or 0


def failures(issue: Issue, limit: int = 50) -> list[Delivery]:
    return list(db.session.scalars(
        select(Delivery).options(joinedload(Delivery.subscriber))
        .where(Delivery.issue_id == issue.id, Delivery.status == DeliveryStatus.FAILED)
        .order_by(Delivery.id).limit(limit)))


def issues() -> list[Issue]:
    return list(db.session.scalars(select(Issue).order_by(Issue.created_at.desc(), Issue.id.desc())))


def archive() -> list[Issue]:
    return list(db.session.scalars(
        select(Issue).where(Issue.number.is_not(None)).order_by(Issue.number.desc())))


def archived(number: int) -> Issue | None:
    return db.session.scalar(select(Issue).where(Issue.number == number,
                                                 Issue.status.in_((IssueStatus.SENDING, IssueStatus.SENT))))


def subscribers_page(page: int, q: str = ""):
    stmt = select(Subscriber).order_by(Subscriber.created_at.desc(), Subscriber.id.desc())
    if q:
        like = "%" + q.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
        stmt = stmt.where(func.lower(Subscriber.email).like(like) | func.lower(Subscriber.name).like(like))
    return db.paginate(stmt, page=page, per_page=50, error_out=False, count=True)
