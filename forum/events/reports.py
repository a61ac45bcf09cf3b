"""The yearly events report organisers hand to funders (`/events/report`, `flask events report`).

Per event: date, type, topic, signed up, attended, attendance rate and learning outcomes; then
totals, the same figures by type, who took part by alliance and profession (where their
membership says), and how often each outcome came up. Attendance is the recorded attendance
when an event has any, else the figure imported from the community's own table; sign-ups
likewise. Built in a fixed number of queries whatever the number of events (bench/events_bench.py).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import Select, func, select

from forum.community.models import Alliance, Profession
from forum.db import utcnow
from forum.events import london
from forum.events.importing import TOTAL
from forum.events.models import (
    KIND_LABELS,
    Attendance,
    Event,
    EventImport,
    EventOutcome,
    EventStatus,
    Kind,
    Signup,
    SignupStatus,
)
from forum.extensions import db
from forum.members.models import User

NOT_KNOWN = "Not known (guests, walk-ins, imported counts, or not given)"


def rate(attended: int | None, signups: int) -> float | None:
    """Attended as a share of those signed up, or None when either is unknown."""
    return None if attended is None or not signups else attended / signups


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


@dataclass
class EventLine:
    event_id: int
    day: date
    title: str
    kind: Kind
    signups: int
    attended: int | None  # None: not recorded
    imported_from: str
    recorded: bool  # attendance recorded in the forum (not the imported figure)
    outcomes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return rate(self.attended, self.signups)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class Group:
    name: str
    events: int = 0
    signups: int = 0
    attended: int = 0
    signups_with_attendance: int = 0  # the rate's denominator: events whose attendance is known

    @property
    def rate(self) -> float | None:
        return rate(self.attended, self.signups_with_attendance) if self.signups_with_attendance \
            else None

    def add(self, line: EventLine) -> None:
        self.events += 1
        self.signups += line.signups
        if line.attended is not None:
            self.attended += line.attended
            self.signups_with_attendance += line.signups


@dataclass
class People:
    """Sign-ups and attendance by an alliance or a profession (members only; others not known)."""

    name: str
    signups: int = 0
    attended: int = 0


@dataclass
class Stated:
    """A Total row as the community wrote it, beside what its rows add up to."""

    source: str
    what: str
    stated: str
    counted: int

    @property
    def agrees(self) -> bool:
        match = TOTAL.match(self.stated)
        return bool(match and not match[2] and int(match[1].replace(",", "")) == self.counted)


@dataclass
class YearReport:
    year: int
    lines: list[EventLine]
    total: Group
    by_kind: list[Group]
    by_alliance: list[People]
    by_profession: list[People]
    outcomes: list[tuple[str, int]]
    stated: list[Stated]
    not_yet_held: int


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year in London, as UTC instants."""
    return (london.to_utc(date(year, 1, 1), time(0, 0), field="year"),
            london.to_utc(date(year + 1, 1, 1), time(0, 0), field="year"))


def _held(year: int, now: datetime) -> Select:
    start, end = year_bounds(year)
    return select(Event.id).where(Event.status == EventStatus.PUBLISHED, Event.starts_at >= start,
                                  Event.starts_at < end, Event.starts_at <= now)


def _people(stmt: Select, name_col, key_col, ids: Select, total_signups: int,
            total_attended: int) -> list[People]:
    """Sign-ups (with a place) and attendance, grouped by the member's alliance or profession."""
    groups: dict[str, People] = {}
    signed = (select(name_col, func.count()).select_from(Signup).join(User, Signup.user_id == User.id)
              .join(stmt, key_col == stmt.c.id)
              .where(Signup.event_id.in_(ids), Signup.status == SignupStatus.CONFIRMED)
              .group_by(name_col))
    for name, count in db.session.execute(signed):
        groups.setdefault(name, People(name)).signups = count
    came = (select(name_col, func.count()).select_from(Attendance)
            .join(Signup, Attendance.signup_id == Signup.id).join(User, Signup.user_id == User.id)
            .join(stmt, key_col == stmt.c.id).where(Attendance.event_id.in_(ids)).group_by(name_col))
    for name, count in db.session.execute(came):
        groups.setdefault(name, People(name)).attended = count
    rows = sorted(groups.values(), key=lambda p: (-p.signups, -p.attended, p.name))
    unknown = People(NOT_KNOWN, total_signups - sum(p.signups for p in rows),
                     total_attended - sum(p.attended for p in rows))
    return rows + ([unknown] if unknown.signups or unknown.attended else [])


def year_report(year: int, *, now: datetime | None = None) -> YearReport:
    """The report for one calendar year (London), in eight queries."""
    now = now or utcnow()
    ids = _held(year, now)
    events = db.session.execute(
        select(Event.id, Event.starts_at, Event.title, Event.kind, Event.confirmed_count,
               Event.imported_signups, Event.imported_attended, Event.imported_from)
        .where(Event.id.in_(ids)).order_by(Event.starts_at, Event.id)).all()
    recorded = dict(db.session.execute(select(Attendance.event_id, func.count())
                                       .where(Attendance.event_id.in_(ids))
                                       .group_by(Attendance.event_id)).all())
    outcomes: dict[int, list[str]] = {}
    for event_id, name in db.session.execute(select(EventOutcome.event_id, EventOutcome.name)
                                             .where(EventOutcome.event_id.in_(ids))
                                             .order_by(EventOutcome.id)):
        outcomes.setdefault(event_id, []).append(name)
    lines = [_line(row, recorded.get(row.id, 0), outcomes.get(row.id, [])) for row in events]
    total, by_kind = Group("All events"), {k: Group(KIND_LABELS[k]) for k in Kind}
    for line in lines:
        total.add(line)
        by_kind[line.kind].add(line)
    alliances = select(Alliance.id, Alliance.name).subquery()
    professions = select(Profession.id, Profession.name).subquery()
    start, end = year_bounds(year)
    return YearReport(
        year=year, lines=lines, total=total, by_kind=[g for g in by_kind.values() if g.events],
        by_alliance=_people(alliances, alliances.c.name, User.alliance_id, ids, total.signups,
                            total.attended),
        by_profession=_people(professions, professions.c.name, User.profession_id, ids,
                              total.signups, total.attended),
        outcomes=Counter(name for line in lines for name in line.outcomes).most_common(),
        stated=_stated(year, lines),
        not_yet_held=db.session.scalar(select(func.count()).select_from(Event).where(
            Event.status == EventStatus.PUBLISHED, Event.starts_at > now, Event.starts_at >= start,
            Event.starts_at < end)) or 0)


def _line(row, recorded: int, outcomes: list[str]) -> EventLine:
    imported = row.imported_signups is not None
    signups = row.confirmed_count if row.confirmed_count or not imported else row.imported_signups
    attended = recorded if recorded else row.imported_attended
    return EventLine(event_id=row.id, day=london.local(row.starts_at).date(), title=row.title,
                     kind=row.kind, signups=signups, attended=attended,
                     imported_from=row.imported_from, recorded=bool(recorded), outcomes=outcomes)


def _stated(year: int, lines: Sequence[EventLine]) -> list[Stated]:
    out = []
    for record in db.session.scalars(select(EventImport).where(EventImport.year == year)
                                     .order_by(EventImport.source)):
        rows = [line for line in lines if line.imported_from == record.source]
        out.append(Stated(record.source, "signed up", record.stated_signups,
                          sum(line.signups for line in rows)))
        out.append(Stated(record.source, "attended", record.stated_attended,
                          sum(line.attended or 0 for line in rows)))
    return [s for s in out if s.stated]


def years_with_events() -> list[int]:
    """The years (London) that have published events, newest first, for the year picker."""
    starts = db.session.scalars(select(func.min(Event.starts_at)).where(
        Event.status == EventStatus.PUBLISHED)).first()
    first = london.local(starts).year if starts else utcnow().year
    return list(range(london.local(utcnow()).year, first - 1, -1))


# --- CSV and plain text -------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell a spreadsheet will not run: text starting = + - @ (or a tab) gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


EVENT_HEADER = ("Date", "Type", "Topic", "Signed up", "Attended", "Attendance rate",
                "Learning outcomes", "Attendance from")


def event_rows(report: YearReport) -> list[list[object]]:
    """Per event, then the totals: what the CSV and the table print."""
    rows: list[list[object]] = [list(EVENT_HEADER)]
    for line in report.lines:
        source = ("recorded" if line.recorded else f"imported ({line.imported_from})"
                  if line.imported_from and line.attended is not None else "not recorded")
        rows.append([line.day.isoformat(), line.kind_label, line.title, line.signups,
                     "" if line.attended is None else line.attended, percent(line.rate),
                     "; ".join(line.outcomes), source])
    t = report.total
    rows.append(["Total", f"{t.events} events", "", t.signups, t.attended, percent(t.rate), "", ""])
    rows.extend(["Stated total", s.source, "", s.stated if s.what == "signed up" else "",
                 s.stated if s.what == "attended" else "", "", "",
                 "agrees" if s.agrees else f"the rows add up to {s.counted}"]
                for s in report.stated)
    return rows


def summary_rows(report: YearReport) -> list[list[object]]:
    """By type, alliance, profession and outcome: the summary CSV."""
    rows: list[list[object]] = [["Grouped by", "Name", "Events", "Signed up", "Attended",
                                 "Attendance rate"]]
    rows.extend(["Type", g.name, g.events, g.signups, g.attended, percent(g.rate)]
                for g in report.by_kind)
    rows.extend(["Alliance", p.name, "", p.signups, p.attended, ""] for p in report.by_alliance)
    rows.extend(["Profession", p.name, "", p.signups, p.attended, ""] for p in report.by_profession)
    rows.extend(["Learning outcome", name, count, "", "", ""] for name, count in report.outcomes)
    return rows


def as_table(rows: Sequence[Sequence[object]]) -> str:
    """Rows as aligned plain text (the terminal's report)."""
    cells = [[str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells if i < len(r)) for i in range(len(cells[0]))]
    lines = ["  ".join(c.rjust(w) if c.replace("%", "").isdigit() else c.ljust(w)
                       for c, w in zip(row, widths, strict=False)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
