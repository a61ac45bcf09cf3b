"""Recording who came to an event: the sign-up checklist, walk-ins, and attendance reports
imported from Teams or Zoom (read by forum.events.importers, matched to sign-ups here).

Outbox topics (consumed by CPD; payload ``{"event_id": int, "user_id": int}``):

- ``events.attended`` when attendance is first recorded for a member;
- ``events.attendance_removed`` when it is taken away (unticked, or removed).

Recording the same person again (a second tick, the same report imported twice) writes
nothing new and queues nothing: attendance is one row per event per email address.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from itsdangerous import BadSignature
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum.auth import tokens
from forum.errors import InvalidInput
from forum.events import policy
from forum.events.importers import EMAIL, Participant, Report
from forum.events.models import Attendance, Event, Signup, SignupStatus
from forum.extensions import db
from forum.forms import clean_text
from forum.members.models import User
from forum.moderation.services.common import audit
from forum.outbox import enqueue

ATTENDED, REMOVED = "events.attended", "events.attendance_removed"
IMPORT_SALT = "forum.events.attendance-import"
CHECKLIST_STATUSES = (SignupStatus.CONFIRMED, SignupStatus.WAITING)


def _norm(name: str) -> str:
    return " ".join((name or "").lower().split())


def checklist(event: Event) -> list[Signup]:
    """The people who might have come: those with a place, then anyone still waiting."""
    rows = db.session.scalars(
        select(Signup).options(joinedload(Signup.user).joinedload(User.profession))
        .where(Signup.event_id == event.id, Signup.status.in_(CHECKLIST_STATUSES))
        .order_by(Signup.status, Signup.queued_at, Signup.id))
    return sorted(rows, key=lambda s: (s.status != SignupStatus.CONFIRMED, _norm(s.name)))


def attendees(event: Event) -> list[Attendance]:
    return list(db.session.scalars(
        select(Attendance).options(joinedload(Attendance.user).joinedload(User.profession),
                                   joinedload(Attendance.signup))
        .where(Attendance.event_id == event.id).order_by(func.lower(Attendance.name), Attendance.id)))


def _by_email(event: Event) -> dict[str, Attendance]:
    return {a.email: a for a in db.session.scalars(
        select(Attendance).where(Attendance.event_id == event.id))}


def _record(event: Event, existing: dict[str, Attendance], *, email: str, name: str, source: str,
            signup: Signup | None = None, user: User | None = None, minutes: int | None = None,
            profession: str = "", organisation: str = "") -> bool:
    """Add or refresh one attendee; True if they are new. Members new to the list are
    announced on the outbox."""
    row = existing.get(email)
    if row is not None:
        if minutes is not None:
            row.minutes = minutes
        if signup is not None and row.signup_id is None:
            row.signup_id = signup.id
        return False
    user = user or (signup.user if signup else None)
    row = Attendance(event_id=event.id, email=email, name=name[:200], source=source,
                     signup_id=signup.id if signup else None, user_id=user.id if user else None,
                     minutes=minutes, profession=profession[:120], organisation=organisation[:160])
    db.session.add(row)
    existing[email] = row
    if row.user_id:
        enqueue(ATTENDED, {"event_id": event.id, "user_id": row.user_id})
    return True


def _remove(rows: Iterable[Attendance]) -> int:
    count = 0
    for row in rows:
        if row.user_id:
            enqueue(REMOVED, {"event_id": row.event_id, "user_id": row.user_id})
        db.session.delete(row)
        count += 1
    return count


def record_checklist(actor: User, event: Event, present: set[int]) -> tuple[int, int]:
    """Make the ticked sign-ups the ones who came (of the checklist): returns (added, removed).
    Walk-ins and imported people who did not sign up are left as they are."""
    policy.require_attendance(actor, event)
    existing = _by_email(event)
    added = removed = 0
    for signup in checklist(event):
        email = signup.email.lower()
        if signup.id in present:
            added += _record(event, existing, email=email, name=signup.name, source="checklist",
                             signup=signup)
        elif email in existing:
            removed += _remove([existing.pop(email)])
    if added or removed:
        audit(actor, "record_attendance", "event", event.id, after=f"+{added} -{removed}")
    db.session.commit()
    return added, removed


def add_walk_in(actor: User, event: Event, *, name: str, email: str, profession: str = "",
                organisation: str = "") -> Attendance:
    """Someone who came without signing up; linked to their account (or sign-up) by email."""
    policy.require_attendance(actor, event)
    name = " ".join(str(clean_text(name or "")).split())
    email = (email or "").strip().lower()
    if not name:
        raise InvalidInput("Enter their name", field="name")
    if not EMAIL.match(email) or len(email) > 254:
        raise InvalidInput("Enter their email address, like name@nhs.net", field="email")
    existing = _by_email(event)
    if email in existing:
        raise InvalidInput(f"{existing[email].name} ({email}) is already recorded as attending",
                           field="email")
    signup = db.session.scalars(select(Signup).outerjoin(Signup.user).where(
        Signup.event_id == event.id, func.lower(func.coalesce(User.email, Signup.guest_email)) == email)
    ).first()
    user = db.session.scalars(select(User).where(func.lower(User.email) == email)).first()
    _record(event, existing, email=email, name=name, source="walk-in", signup=signup, user=user,
            profession=str(clean_text(profession or "")).strip(),
            organisation=str(clean_text(organisation or "")).strip())
    audit(actor, "add_walk_in", "event", event.id, after=name)
    db.session.commit()
    return existing[email]


def remove_attendance(actor: User, event: Event, attendance_id: int) -> None:
    policy.require_attendance(actor, event)
    removed = _remove(db.session.scalars(select(Attendance).where(
        Attendance.id == attendance_id, Attendance.event_id == event.id)))
    if removed:
        audit(actor, "remove_attendance", "event", event.id)
    db.session.commit()


def attended_ids(user: Any, event_ids: Iterable[int]) -> set[int]:
    """Which of these events the member attended, in one query (for "You attended")."""
    ids = list(event_ids)
    if not ids or not getattr(user, "is_authenticated", False):
        return set()
    return set(db.session.scalars(select(Attendance.event_id).where(
        Attendance.user_id == user.id, Attendance.event_id.in_(ids))))


# --- imported reports -----------------------------------------------------------------------

@dataclass
class Line:
    """One person in an imported report, as the organiser sees it before saving."""

    index: int
    person: Participant
    signup: Signup | None
    matched_by: str          # "email", "UPN", "name" or "" (not matched)
    short: bool              # present for less than the configured share of the event
    recorded: bool           # already on the attendance list (importing again changes nothing)

    @property
    def default(self) -> str:
        """The choice pre-selected: matched people count unless they left early; others wait
        for the organiser."""
        if self.signup is not None:
            return "skip" if self.short else f"signup:{self.signup.id}"
        return "skip"


@dataclass
class Preview:
    report: Report
    lines: list[Line]
    signups: list[Signup]
    event_minutes: int
    share: float
    token: str

    @property
    def matched(self) -> list[Line]:
        return [line for line in self.lines if line.signup is not None]

    @property
    def unmatched(self) -> list[Line]:
        return [line for line in self.lines if line.signup is None]


def _named(by_name: dict[str, list[Signup]], name: str) -> list[Signup]:
    """Sign-ups with this exact name; Zoom writes a renamed person as "New (Original)", so the
    name before the brackets is tried too."""
    return by_name.get(_norm(name)) or by_name.get(_norm(re.sub(r"\s*\([^)]*\)\s*$", "", name)), [])


def short_share() -> float:
    return float(current_app.config.get("EVENTS_SHORT_ATTENDANCE_SHARE", 0.5))


def _event_minutes(event: Event) -> int:
    return max(1, round((event.ends_at - event.starts_at).total_seconds() / 60))


def preview_import(actor: User, event: Event, report: Report) -> Preview:
    """Match each person to a sign-up by email, then Teams' UPN, then a name only one sign-up
    has; nothing is saved until the organiser confirms (apply_import)."""
    policy.require_attendance(actor, event)
    signups = checklist(event)
    by_email = {s.email.lower(): s for s in signups if s.email}
    by_name: dict[str, list[Signup]] = {}
    for s in signups:
        by_name.setdefault(_norm(s.name), []).append(s)
    existing = _by_email(event)
    minutes, share = _event_minutes(event), short_share()
    lines, taken = [], set()
    for i, person in enumerate(report.participants):
        signup, how = None, ""
        if person.email in by_email:
            signup, how = by_email[person.email], "email"
        elif person.upn in by_email:
            signup, how = by_email[person.upn], "UPN"
        elif len(named := _named(by_name, person.name)) == 1:
            signup, how = named[0], "name"
        if signup is not None and signup.id in taken:
            signup, how = None, ""  # two report lines for one sign-up: the organiser decides
        if signup is not None:
            taken.add(signup.id)
        email = signup.email.lower() if signup else (person.email or person.upn)
        lines.append(Line(i, person, signup, how, person.minutes < share * minutes,
                          bool(email) and email in existing))
    token = tokens.serializer(IMPORT_SALT).dumps({
        "event": event.id, "source": report.source, "meeting": report.meeting_minutes,
        "people": [[p.name, p.email, p.upn, p.seconds, p.joins] for p in report.participants]})
    return Preview(report, lines, signups, minutes, share, token)


def read_token(event: Event, token: str) -> Report:
    """The report an organiser previewed, back from the signed form field."""
    try:
        data = tokens.serializer(IMPORT_SALT).loads(token or "", max_age=24 * 3600)
        if data["event"] != event.id:
            raise ValueError
        people = [Participant(name=str(n), email=str(e), upn=str(u), seconds=int(s), joins=int(j))
                  for n, e, u, s, j in data["people"]]
        return Report(str(data["source"]), people, data.get("meeting"))
    except (BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidInput("This preview has expired. Upload the report again.") from error


def apply_import(actor: User, event: Event, report: Report, choices: dict[int, str]) -> tuple[int, int]:
    """Save what the organiser chose for each line ("signup:ID", "walk-in" or "skip"); returns
    (added, updated). Minutes are replaced, not added, so the same file twice is a no-op."""
    preview = preview_import(actor, event, report)
    signups = {s.id: s for s in preview.signups}
    existing = _by_email(event)
    members = {u.email.lower(): u for u in db.session.scalars(select(User).where(func.lower(
        User.email).in_([p.email for p in report.participants if p.email])))}
    added = updated = 0
    for line in preview.lines:
        choice = choices.get(line.index, line.default)
        person = line.person
        if choice.startswith("signup:") and choice[7:].isdigit() and int(choice[7:]) in signups:
            signup = signups[int(choice[7:])]
            email, user, name = signup.email.lower(), None, signup.name
        elif choice == "walk-in" and person.email:
            signup, email, user, name = None, person.email, members.get(person.email), person.name
        else:
            continue
        before = existing[email].minutes if email in existing else None
        if _record(event, existing, email=email, name=name, source=report.source, signup=signup,
                   user=user, minutes=person.minutes):
            added += 1
        elif before != person.minutes:
            updated += 1
    if added or updated:
        audit(actor, "import_attendance", "event", event.id,
              after=f"{report.source}: +{added}, {updated} updated")
    db.session.commit()
    return added, updated



def _safe(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting = + - @ (or a tab or return) could
    otherwise run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def attendee_csv(event: Event) -> str:
    """The attendee list organisers download (for certificates, and funders)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name", "Email", "Profession", "Organisation", "Signed up", "Recorded from",
                     "Minutes present"])
    for a in attendees(event):
        profession = a.profession or (a.user.profession.name if a.user and a.user.profession else "") \
            or (a.signup.guest_profession if a.signup else "")
        organisation = a.organisation or (a.user.organisation if a.user else "") or \
            (a.signup.guest_organisation if a.signup else "")
        writer.writerow([_safe(v) for v in (a.name, a.email, profession, organisation,
                                            "yes" if a.signup_id else "no", a.source,
                                            "" if a.minutes is None else a.minutes)])
    return out.getvalue()
