"""Members' reports and the moderators' answer to them in the queue."""

from __future__ import annotations

from sqlalchemy import select, update

from forum.db import utcnow
from forum.discussions import counters
from forum.discussions.models import Post
from forum.errors import InvalidInput
from forum.extensions import db
from forum.members.models import User
from forum.moderation import policy
from forum.moderation.models import REPORT_REASONS, Report, ReportStatus
from forum.moderation.services.common import (
    _reason,
    _site,
    _text,
    audit,
    tell,
    thread_path,
)
from forum.moderation.services.members import _warn
from forum.moderation.services.posts import _hide_post, _tell_post_hidden, _unhide_post
from forum.moderation.services.threads import _lock

AUTO_HIDE_REPORTS = 3
AUTO_HIDE_REASON = ("Hidden automatically because three members reported it. "
                    "A moderator will decide whether it stays hidden.")
QUEUE_OUTCOMES = ("dismiss", "hide", "hide_and_warn", "lock")


def report_post(actor: User, post: Post, *, reason: str, detail: str = "") -> Report:
    """A member flags a post for moderators; three members' reports hide it until one decides."""
    policy.require(policy.can_report(actor, post), "You cannot report this post.")
    if reason not in REPORT_REASONS:
        raise InvalidInput("Choose why you are reporting this post", field="reason")
    detail = _text(detail, field="detail", required=reason == "other",
                   what="what is wrong with the post", limit=2000)
    already = db.session.scalar(
        select(Report.id).where(Report.post_id == post.id, Report.reporter_id == actor.id,
                                Report.status == ReportStatus.OPEN).limit(1)
    )
    if already is not None:
        raise InvalidInput("You have already reported this post. A moderator will look at it.")
    report = Report(post_id=post.id, reporter_id=actor.id, reason=reason, detail=detail,
                    status=ReportStatus.OPEN, created_at=utcnow())
    db.session.add(report)
    db.session.flush()
    # Counted in SQL: three members reporting at once make 3, and exactly one of them (the
    # one whose report makes it 3) hides the post.
    counters.bump(post, open_report_count=1)
    db.session.expire(post, ["hidden_at"])
    if post.open_report_count == AUTO_HIDE_REPORTS and post.hidden_at is None:
        _hide_post(None, post, AUTO_HIDE_REASON)
    db.session.commit()
    return report


OUTCOME_TEXT = {
    "dismiss": "A moderator looked at the post you reported and decided it can stay.",
    "hide": "A moderator has hidden the post you reported.",
    "hide_and_warn": "A moderator has hidden the post you reported and warned its author.",
    "lock": "A moderator has locked the discussion with the post you reported.",
}


def _claim(reports: list[Report]) -> None:
    """Mark the reports as being closed in SQL first: of two moderators answering the same
    reports at once, the second is told, and reporters hear one outcome."""
    claimed = db.session.execute(
        update(Report).where(Report.id.in_([r.id for r in reports]),
                             Report.status == ReportStatus.OPEN)
        .values(status=ReportStatus.RESOLVED).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != len(reports):
        db.session.rollback()
        raise InvalidInput("Another moderator has just answered these reports.")


def resolve_reports(actor: User, post: Post, *, outcome: str, note: str = "") -> list[Report]:
    """One click in the queue: dismiss, hide, hide and warn, or lock the thread. Every open
    report on the post is closed and each reporter is told the outcome."""
    policy.require_moderator(actor)
    if outcome not in QUEUE_OUTCOMES:
        raise InvalidInput("Choose what to do with this post", field="outcome")
    note = _reason(note, required=False)
    reports = list(db.session.scalars(
        select(Report).where(Report.post_id == post.id, Report.status == ReportStatus.OPEN)
    ))
    if not reports:
        raise InvalidInput("There are no open reports on this post.")
    if outcome == "hide_and_warn" and not policy.can_act_on_member(actor, post.author):
        # Otherwise the reporters would be told the author was warned when they were not.
        raise InvalidInput("You cannot warn the author of this post: choose “Hide” instead.",
                           field="outcome")
    _claim(reports)
    reasons = ", ".join(dict.fromkeys(REPORT_REASONS[r.reason].lower() for r in reports))
    why = note or f"Reported by members: {reasons}."
    if outcome == "dismiss":
        if post.hidden_at is not None and post.hidden_by_id is None:
            _unhide_post(actor, post, "Reports dismissed")
    elif outcome in ("hide", "hide_and_warn"):
        if post.hidden_at is None or post.hidden_by_id is None:
            _hide_post(actor, post, why)
            _tell_post_hidden(post, why)
        if outcome == "hide_and_warn":
            _warn(actor, post.author, why, post=post)
    elif outcome == "lock":
        if post.hidden_at is not None and post.hidden_by_id is None:
            _unhide_post(actor, post, "Reports answered by locking the discussion")
        if not post.thread.locked:
            _lock(actor, post.thread, why)
    now = utcnow()
    for report in reports:
        report.status = ReportStatus.DISMISSED if outcome == "dismiss" else ReportStatus.RESOLVED
        report.resolved_at = now
        report.resolved_by_id = actor.id
        report.outcome = outcome
    # Less what these reports counted, not set to 0: a report made meanwhile stays counted.
    counters.bump(post, open_report_count=-len({r.reporter_id for r in reports}))
    audit(actor, "resolve_reports", "post", post.id, reason=note,
          after=f"{outcome.replace('_', ' ')} ({len(reports)} report{'s' if len(reports) != 1 else ''})")
    told: set[int] = set()
    for report in reports:
        if report.reporter_id in told:
            continue
        told.add(report.reporter_id)
        tell(report.reporter, kind="report_outcome", text=OUTCOME_TEXT[outcome],
             link=thread_path(post.thread_id), subject=f"The post you reported on {_site()}",
             email_text=(f"Thank you for reporting a post in “{post.thread.title}”.\n\n"
                         f"{OUTCOME_TEXT[outcome]}"))
    db.session.commit()
    return reports
