"""Past events from the community's own table (`flask events import FILE`).

The table is read as the community wrote it (../shared/data/events-2023.tsv): the year in the
first header cell, dates as day and month ("21 Feb"), the type in any case ("f2f", "Webinar"),
several learning outcomes in one cell separated only by spaces, and a Total row. Every bad row
is listed in plain English and then nothing is saved; the Total row is checked against the rows.
Rows become published events with counts and no people behind them (`imported_from`), matched
on re-import by file, date and topic, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select

from forum.events import london
from forum.events.models import Event, EventImport, EventOutcome, EventStatus, Kind
from forum.events.services import reindex
from forum.extensions import db
from forum.markup import render
from forum.qi.series import decode

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
# The outcomes organisers record (issue 13), and the ways the community has written them.
OUTCOMES: dict[str, tuple[str, ...]] = {
    "Shadowing opportunities": ("shadow opportunities", "shadowing opportunities",
                                "shadowing opportunity", "shadow opportunity"),
    "Online resource": ("online resource", "online resources"),
    "Start of QI ideas": ("start of qi ideas", "qi ideas"),
    "Replicable QI models": ("replicable qi models", "replicable qi model"),
    "Shared learning / resources": ("shared learning / resources", "shared learning"),
}
KINDS = {"f2f": Kind.FACE_TO_FACE, "facetoface": Kind.FACE_TO_FACE, "inperson": Kind.FACE_TO_FACE,
         "workshop": Kind.FACE_TO_FACE, "webinar": Kind.WEBINAR, "online": Kind.WEBINAR,
         "hybrid": Kind.HYBRID}
MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
COLUMNS = {"kind": "event type", "title": "topic", "signups": "signed-up", "attended": "attended",
           "outcomes": "learning"}
TOTAL = re.compile(r"^\s*(\d[\d,]*)\s*(\+?)\s*$")


@dataclass
class Row:
    line: int
    day: date
    kind: Kind
    title: str
    signups: int
    attended: int
    outcomes: list[str]


@dataclass
class ParsedTable:
    """What the file says, and what is wrong with it (`problems` stop the import)."""

    year: int | None = None
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stated_signups: str = ""
    stated_attended: str = ""
    totals: list[str] = field(default_factory=list)  # the Total row checked, one line a figure

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportResult:
    parsed: ParsedTable
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    saved: bool = False


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _words(text: str) -> list[str]:
    return re.sub(r"\s*/\s*", " / ", text.lower()).split()


def parse_outcomes(cell: str) -> tuple[list[str], list[str]]:
    """Outcomes written one after another ("Shadow opportunities Online resource"), read by the
    longest known phrase at each point; words that match none are kept together, as written.
    Returns the outcomes and any text that was not recognised."""
    phrases = {tuple(_words(alias)): name for name, aliases in OUTCOMES.items()
               for alias in (name, *aliases)}
    longest = max((len(p) for p in phrases), default=1)
    words, original = _words(cell), re.sub(r"\s*/\s*", " / ", cell).split()
    found: list[str] = []
    unknown: list[str] = []
    pending: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            name = phrases.get(tuple(words[i:i + size]))
            if name:
                if pending:
                    unknown.append(" ".join(pending))
                    found.append(" ".join(pending))
                    pending = []
                if name not in found:
                    found.append(name)
                i += size
                break
        else:
            pending.append(original[i])
            i += 1
    if pending:
        unknown.append(" ".join(pending))
        found.append(" ".join(pending))
    return found, unknown


def _day(cell: str, year: int) -> date | None:
    match = re.fullmatch(r"(\d{1,2})\s*([A-Za-z]{3,9})\.?", cell.strip()) or None
    if match:
        day, month = int(match[1]), MONTHS.get(match[2][:3].lower())
    else:
        match = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})", cell.strip())
        if not match:
            return None
        day, month = int(match[1]), int(match[2])
    try:
        return date(year, month, day) if month else None
    except ValueError:
        return None


def _count(cell: str) -> int | None:
    cell = cell.strip().replace(",", "")
    return int(cell) if cell.isdigit() else None


def _columns(header: list[str]) -> dict[str, int] | str:
    keys = [_key(cell) for cell in header]
    found: dict[str, int] = {}
    for name, label in COLUMNS.items():
        index = next((i for i, k in enumerate(keys) if i and k.startswith(_key(label))), None)
        if index is None:
            return (f'The file has no "{label}" column. Its first row should read: Year 2023, '
                    "Event Type, Topic, Signed-up, Attended, Learning (separated by tabs). "
                    f"It reads: {', '.join(h.strip() or '(blank)' for h in header)}.")
        found[name] = index
    return found


def _check_total(result: ParsedTable, cells: list[str], cols: dict[str, int], line: int) -> None:
    for name, what in (("signups", "signed up"), ("attended", "attended")):
        stated = cells[cols[name]].strip() if cols[name] < len(cells) else ""
        setattr(result, f"stated_{name}", stated[:40])
        counted = sum(getattr(r, name) for r in result.rows)
        match = TOTAL.match(stated)
        if not stated:
            result.totals.append(f"The Total row gives no figure for {what}; the rows add up to "
                                 f"{counted:,}.")
        elif not match:
            result.warnings.append(f'Row {line}: the Total for {what} ("{stated}") is not a number.')
        elif (value := int(match[1].replace(",", ""))) == counted and not match[2]:
            result.totals.append(f"The Total row says {stated} {what}, and the rows add up to "
                                 f"{counted:,}: they agree.")
        else:
            gap = counted - value
            how = (f"{abs(gap):,} {'more' if gap > 0 else 'fewer'} than {value:,}" if gap
                   else f"exactly {value:,}")
            plus = ' ("+" may mean "at least")' if match[2] else ""
            result.totals.append(f'The Total row says "{stated}" {what}{plus}, but the rows add up to '
                                 f"{counted:,}, {how}. The report shows the counted {counted:,} "
                                 f'with the stated "{stated}" beside it.')


def parse_events_table(data: bytes) -> ParsedTable:
    """The file's rows, checked; nothing is written."""
    result = ParsedTable()
    if not data.strip():
        result.problems.append("The file is empty.")
        return result
    if len(data) > MAX_BYTES:
        result.problems.append("The file is larger than 1 MB; a year of events is far smaller.")
        return result
    text, _ = decode(data)
    lines = [ln for ln in text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    delimiter = "\t" if "\t" in lines[0] else ","
    records = [(n, cells) for n, cells in enumerate(csv.reader(lines, delimiter=delimiter), start=1)
               if any(c.strip() for c in cells)]
    header = records[0][1]
    year_match = re.search(r"\b(19|20)\d\d\b", header[0])
    if not year_match:
        result.problems.append(f'Row 1: the first cell should give the year, like "Year 2023"; it '
                               f'reads "{header[0].strip()}".')
        return result
    result.year = int(year_match[0])
    cols = _columns(header)
    if isinstance(cols, str):
        result.problems.append(cols)
        return result
    seen: dict[tuple[date, str], int] = {}
    for line, cells in records[1:MAX_ROWS + 1]:
        cells = [str(c).replace("\x00", "").strip() for c in cells]
        if _key(cells[0]) == "total":
            _check_total(result, cells, cols, line)
            continue
        _parse_row(result, line, cells, cols, seen)
    if len(records) > MAX_ROWS + 1:
        result.problems.append(f"The file has more than {MAX_ROWS:,} rows; split it by year.")
    if not result.rows and not result.problems:
        result.problems.append("The file has a header but no events.")
    if not result.totals and result.rows:
        result.totals.append("The file has no Total row to check; the rows add up to "
                             f"{sum(r.signups for r in result.rows):,} signed up and "
                             f"{sum(r.attended for r in result.rows):,} attended.")
    return result


def _parse_row(result: ParsedTable, line: int, cells: list[str], cols: dict[str, int],
               seen: dict[tuple[date, str], int]) -> None:
    def cell(name: str) -> str:
        return cells[cols[name]] if cols[name] < len(cells) else ""

    problems = []
    day = _day(cells[0], result.year or 0)
    if day is None:
        problems.append(f'the date "{cells[0]}" is not a day and month in {result.year}, like "21 Feb"')
    kind = KINDS.get(_key(cell("kind")))
    if kind is None:
        problems.append(f'the event type "{cell("kind")}" is not one we know: write webinar, f2f '
                        "(face-to-face) or hybrid")
    title = " ".join(cell("title").split())
    if not title:
        problems.append("the topic is empty")
    elif len(title) > 200:
        problems.append("the topic is longer than 200 characters")
    signups, attended = _count(cell("signups")), _count(cell("attended"))
    if signups is None:
        problems.append(f'the number signed up ("{cell("signups")}") is not a whole number')
    if attended is None:
        problems.append(f'the number attended ("{cell("attended")}") is not a whole number')
    if day and title and (day, title.lower()) in seen:
        problems.append(f"it repeats row {seen[(day, title.lower())]} (same date and topic)")
    if problems:
        result.problems.append(f"Row {line}: " + "; ".join(problems) + ".")
        return
    assert day and kind and signups is not None and attended is not None
    seen[(day, title.lower())] = line
    outcomes, unknown = parse_outcomes(cell("outcomes"))
    for text in unknown:
        result.warnings.append(f'Row {line}: the learning outcome "{text}" is not one of the usual '
                               "ones; it is imported as written.")
    if attended > signups:
        result.warnings.append(f"Row {line}: more attended ({attended}) than signed up ({signups}); "
                               "imported as written (walk-ins can do this).")
    result.rows.append(Row(line, day, kind, title, signups, attended, outcomes))


def _description(source: str) -> str:
    return (f"From the community's own record of past events ({source}), imported with its counts. "
            "The time of day was not recorded.")


def import_events(data: bytes, *, source: str, dry_run: bool = False,
                  progress: Callable[[str], None] | None = None) -> ImportResult:
    """Check the table, then create or update one event per row (nothing, if any row is bad)."""
    parsed = parse_events_table(data)
    result = ImportResult(parsed=parsed)
    if not parsed.ok or dry_run:
        return result
    say = progress or (lambda _: None)
    existing = {(london.local(e.starts_at).date(), e.title.lower()): e for e in db.session.scalars(
        select(Event).where(Event.imported_from == source))}
    outcomes: dict[int, list[EventOutcome]] = {}
    for outcome in db.session.scalars(select(EventOutcome).where(
            EventOutcome.event_id.in_([e.id for e in existing.values()]))):
        outcomes.setdefault(outcome.event_id, []).append(outcome)
    for n, row in enumerate(parsed.rows, start=1):
        event = existing.get((row.day, row.title.lower()))
        if event is None:
            event = _new_event(row, source)
            db.session.add(event)
            db.session.flush()
            db.session.add_all(EventOutcome(event_id=event.id, name=name[:120]) for name in row.outcomes)
            result.created += 1
            state = "added"
        elif _update(event, row, outcomes.get(event.id, [])):
            result.updated += 1
            state = "updated"
        else:
            result.unchanged += 1
            state = "unchanged"
        if state != "unchanged":
            db.session.flush()
            reindex(event)
        say(f"[{n}/{len(parsed.rows)}] {london.day_text(row.day)}: {row.title} ({state})")
    record = db.session.scalars(select(EventImport).where(EventImport.source == source)).first()
    if record is None:
        record = EventImport(source=source, year=parsed.year or 0)
        db.session.add(record)
    for name, value in (("year", parsed.year or 0), ("rows", len(parsed.rows)),
                        ("stated_signups", parsed.stated_signups),
                        ("stated_attended", parsed.stated_attended)):
        if getattr(record, name) != value:
            setattr(record, name, value)
    db.session.commit()
    result.saved = True
    return result


def _new_event(row: Row, source: str) -> Event:
    starts = london.to_utc(row.day, time(12, 0), field="start", fold=london.EARLIER)
    event = Event(title=row.title, kind=row.kind, status=EventStatus.PUBLISHED, starts_at=starts,
                  ends_at=starts + timedelta(hours=1), published_at=starts, capacity=None,
                  description=_description(source), description_html=render(_description(source)),
                  is_public=True, imported_from=source[:200], imported_signups=row.signups,
                  imported_attended=row.attended)
    return event


def _update(event: Event, row: Row, outcomes: list[EventOutcome]) -> bool:
    """Bring an imported event in line with its row; True if anything changed."""
    changed = False
    for name, value in (("kind", row.kind), ("imported_signups", row.signups),
                        ("imported_attended", row.attended)):
        if getattr(event, name) != value:
            setattr(event, name, value)
            changed = True
    have = {o.name for o in outcomes}
    wanted = [name[:120] for name in row.outcomes]
    if have != set(wanted):
        for outcome in outcomes:
            if outcome.name not in wanted:
                db.session.delete(outcome)
        db.session.add_all(EventOutcome(event_id=event.id, name=n) for n in wanted if n not in have)
        changed = True
    return changed
