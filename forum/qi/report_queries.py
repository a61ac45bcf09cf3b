"""Reads for moderators: QI write-ups with open reports, for the moderation queue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.moderation.models import Report, ReportStatus
from forum.qi.models import WriteUp

QUEUE_LIMIT = 50


@dataclass
class ReportedWriteUp:
    writeup: WriteUp
    reports: list[Report] = field(default_factory=list)


def reported_writeups(limit: int = QUEUE_LIMIT) -> list[ReportedWriteUp]:
    """Write-ups with open reports, oldest report first, each with its open reports (2 queries)."""
    first = (select(Report.writeup_id, func.min(Report.created_at).label("first"))
             .where(Report.status == ReportStatus.OPEN, Report.writeup_id.is_not(None))
             .group_by(Report.writeup_id).subquery())
    writeups = list(db.session.scalars(
        select(WriteUp).join(first, first.c.writeup_id == WriteUp.id)
        .options(joinedload(WriteUp.author), joinedload(WriteUp.alliance))
        .order_by(first.c.first, WriteUp.id).limit(limit)))
    if not writeups:
        return []
    grouped: dict[int, list[Report]] = defaultdict(list)
    for report in db.session.scalars(
            select(Report).where(Report.status == ReportStatus.OPEN,
                                 Report.writeup_id.in_([w.id for w in writeups]))
            .options(joinedload(Report.reporter)).order_by(Report.created_at, Report.id)):
        grouped[report.writeup_id].append(report)  # type: ignore[index]
    return [ReportedWriteUp(w, grouped[w.id]) for w in writeups]


def reported_writeup_total() -> int:
    return db.session.scalar(select(func.count(func.distinct(Report.writeup_id))).where(
        Report.status == ReportStatus.OPEN, Report.writeup_id.is_not(None))) or 0
