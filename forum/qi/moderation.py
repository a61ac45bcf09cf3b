"""Moderating QI write-ups as posts are moderated: hide and restore with a reason, members'
reports into the same queue, the same audit trail (forum.moderation's AuditEntry), and the
team told. A hidden write-up leaves the list and search (an outbox row); its team and the
moderators still see it, with a notice saying why.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from forum import outbox
from forum.db import utcnow
from forum.discussions import counters
from forum.errors import InvalidInput
from forum.extensions import db
from forum.members.models import User
from forum.moderation import policy as moderation_policy
from forum.moderation.models import REPORT_REASONS, Report, ReportStatus
from forum.moderation.services.common import _reason, _site, _text, audit, tell
from forum.moderation.services.reports import _claim
from forum.qi import policy
from forum.qi.models import TeamMember, WriteUp
from forum.qi.replication import recount_replicas

AUTO_HIDE_REPORTS = 3
AUTO_HIDE_REASON = ("Hidden automatically because three members reported it. "
                    "A moderator will decide whether it stays hidden.")
QUEUE_OUTCOMES = ("dismiss", "hide")
OUTCOME_TEXT = {
    "dismiss": "A moderator looked at the QI write-up you reported and decided it can stay.",
    "hide": "A moderator has hidden the QI write-up you reported.",
}


def _link(writeup: WriteUp) -> str:
    from forum.moderation.services.common import _path

    return _path("qi.show_writeup", f"/qi/{writeup.id}", writeup_id=writeup.id)


def _team(writeup: WriteUp) -> list[User]:
    return list(db.session.scalars(
        select(User).join(TeamMember, TeamMember.user_id == User.id)
        .where(TeamMember.writeup_id == writeup.id).order_by(TeamMember.position, TeamMember.id)))


def _changed(writeup: WriteUp) -> None:
    outbox.enqueue("search", {"kind": "qi", "id": writeup.id})
    recount_replicas(writeup)


def _hide(actor: User | None, writeup: WriteUp, reason: str) -> None:
    writeup.hidden_at = utcnow()
    writeup.hidden_by_id = actor.id if actor else None
    writeup.hidden_reason = reason
    audit(actor, "hide_writeup" if actor else "auto_hide_writeup", "qi_writeup", writeup.id,
          reason=reason)
    _changed(writeup)


def _tell_team(writeup: WriteUp, text: str, *, subject: str | None = None,
               email_text: str | None = None) -> None:
    for member in _team(writeup):
        tell(member, kind="qi_moderated", text=text, link=_link(writeup), subject=subject,
             email_text=email_text)


def _tell_hidden(writeup: WriteUp, reason: str) -> None:
    _tell_team(writeup, f"A moderator hid your QI write-up “{writeup.title}”. Reason: {reason}",
               subject=f"A moderator hid your QI write-up on {_site()}",
               email_text=(f"A moderator hid your QI write-up “{writeup.title}”.\n\n"
                           f"Reason: {reason}\n\nYour team can still see it, and the reason, "
                           f"on its page."))


def hide_writeup(actor: User, writeup: WriteUp, *, reason: str) -> WriteUp:
    """Out of the list and search for everyone but its team and the moderators."""
    moderation_policy.require_moderator(actor)
    reason = _reason(reason)
    if writeup.hidden_at is not None and writeup.hidden_by_id is not None:
        raise InvalidInput("This write-up is already hidden.")
    _hide(actor, writeup, reason)
    _tell_hidden(writeup, reason)
    db.session.commit()
    return writeup


def _restore(actor: User, writeup: WriteUp, reason: str) -> None:
    before = writeup.hidden_reason
    writeup.hidden_at = None
    writeup.hidden_by_id = None
    writeup.hidden_reason = ""
    audit(actor, "unhide_writeup", "qi_writeup", writeup.id, reason=reason, before=before)
    _changed(writeup)


def restore_writeup(actor: User, writeup: WriteUp, *, reason: str = "") -> WriteUp:
    moderation_policy.require_moderator(actor)
    reason = _reason(reason, required=False)
    if writeup.hidden_at is None:
        raise InvalidInput("This write-up is not hidden.")
    _restore(actor, writeup, reason)
    _tell_team(writeup, f"A moderator restored your QI write-up “{writeup.title}”.")
    db.session.commit()
    return writeup


# --- reports ------------------------------------------------------------------------------

def can_report(actor: Any, writeup: WriteUp, team_ids: set[int]) -> bool:
    """Active members may report a published write-up they can read and are not on the team
    of (a hidden one is already out of sight)."""
    return (policy.can_replicate(actor, writeup) and not policy.on_team(actor, writeup, team_ids))


def report_writeup(actor: User, writeup: WriteUp, *, reason: str, detail: str = "") -> Report:
    """A member flags a write-up; three members' reports hide it until a moderator decides."""
    team_ids = {m.id for m in _team(writeup)}
    moderation_policy.require(can_report(actor, writeup, team_ids),
                              "You cannot report this write-up.")
    if reason not in REPORT_REASONS:
        raise InvalidInput("Choose why you are reporting this write-up", field="reason")
    detail = _text(detail, field="detail", required=reason == "other",
                   what="what is wrong with the write-up", limit=2000)
    already = db.session.scalar(
        select(Report.id).where(Report.writeup_id == writeup.id, Report.reporter_id == actor.id,
                                Report.status == ReportStatus.OPEN).limit(1))
    if already is not None:
        raise InvalidInput("You have already reported this write-up. A moderator will look at it.")
    report = Report(writeup_id=writeup.id, reporter_id=actor.id, reason=reason, detail=detail,
                    status=ReportStatus.OPEN, created_at=utcnow())
    db.session.add(report)
    db.session.flush()
    counters.bump(writeup, open_report_count=1)  # in SQL: of three at once, one makes it 3
    db.session.expire(writeup, ["hidden_at"])
    if writeup.open_report_count == AUTO_HIDE_REPORTS and writeup.hidden_at is None:
        _hide(None, writeup, AUTO_HIDE_REASON)
    db.session.commit()
    return report


def resolve_writeup_reports(actor: User, writeup: WriteUp, *, outcome: str,
                            note: str = "") -> list[Report]:
    """One click in the queue: dismiss (restoring an automatic hide) or hide. Every open
    report is closed and each reporter told the outcome."""
    moderation_policy.require_moderator(actor)
    if outcome not in QUEUE_OUTCOMES:
        raise InvalidInput("Choose what to do with this write-up", field="outcome")
    note = _reason(note, required=False)
    reports = list(db.session.scalars(select(Report).where(
        Report.writeup_id == writeup.id, Report.status == ReportStatus.OPEN)))
    if not reports:
        raise InvalidInput("There are no open reports on this write-up.")
    _claim(reports)  # of two moderators answering at once, the second is told
    reasons = ", ".join(dict.fromkeys(REPORT_REASONS[r.reason].lower() for r in reports))
    why = note or f"Reported by members: {reasons}."
    if outcome == "dismiss":
        if writeup.hidden_at is not None and writeup.hidden_by_id is None:
            _restore(actor, writeup, "Reports dismissed")
    elif writeup.hidden_at is None or writeup.hidden_by_id is None:
        _hide(actor, writeup, why)
        _tell_hidden(writeup, why)
    now = utcnow()
    for report in reports:
        report.status = ReportStatus.DISMISSED if outcome == "dismiss" else ReportStatus.RESOLVED
        report.resolved_at, report.resolved_by_id, report.outcome = now, actor.id, outcome
    counters.bump(writeup, open_report_count=-len({r.reporter_id for r in reports}))
    audit(actor, "resolve_reports", "qi_writeup", writeup.id, reason=note,
          after=f"{outcome} ({len(reports)} report{'s' if len(reports) != 1 else ''})")
    for reporter_id in dict.fromkeys(r.reporter_id for r in reports):
        reporter = db.session.get(User, reporter_id)
        if reporter is not None:
            tell(reporter, kind="report_outcome", text=OUTCOME_TEXT[outcome], link=_link(writeup),
                 subject=f"The QI write-up you reported on {_site()}",
                 email_text=(f"Thank you for reporting the QI write-up “{writeup.title}”.\n\n"
                             f"{OUTCOME_TEXT[outcome]}"))
    db.session.commit()
    return reports
