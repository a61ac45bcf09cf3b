"""Reading the attendance reports webinar tools export: Microsoft Teams (the current report and
the older join/leave log) and Zoom (the participants export). Pure functions of the file's
bytes: nothing here touches the database (matching to sign-ups is forum.events.attendance).

Each reader returns one `Participant` per person, with re-joins added up, so an organiser sees
one line for someone whose connection dropped three times.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from forum.errors import InvalidInput

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$", re.I)
# Teams writes times in the organiser's locale: US month-first with AM/PM, or day-first 24-hour.
_TIME_FORMATS = ("%m/%d/%Y, %I:%M:%S %p", "%m/%d/%y, %I:%M:%S %p", "%d/%m/%Y, %H:%M:%S",
                 "%d/%m/%y, %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p",
                 "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S")
WRONG_FILE = ("This file is not a Teams or Zoom attendance report. Download the attendance report "
              "from the meeting (Teams: Attendance, then Download; Zoom: Reports, Usage, "
              "Participants, Export) and upload it without changing it.")


@dataclass
class Participant:
    """One person in a report: their minutes summed over every time they joined."""

    name: str
    email: str = ""   # lower case; "" when the tool did not record one
    upn: str = ""     # Teams' Participant ID (UPN): often the work address when Email is blank
    seconds: int = 0
    joins: int = 1

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)

    @property
    def key(self) -> str:
        return self.email or self.upn or "name:" + " ".join(self.name.lower().split())


@dataclass
class Report:
    source: str                    # "teams" or "zoom"
    participants: list[Participant]
    meeting_minutes: int | None = None
    problems: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    """Teams writes UTF-16 with a byte-order mark; Zoom UTF-8 (sometimes with one); Excel
    re-saves in Windows-1252. Mixed encodings within one file come out as replacement marks."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if len(data) > 3 and data[1:2] == b"\x00" and data[3:4] == b"\x00":
        return data.decode("utf-16-le", errors="replace")  # UTF-16 that lost its mark
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_duration(text: str) -> int | None:
    """Seconds in Teams' "1h 2m 5s" (or "45m 10s", "58s"); None when it is not one."""
    match = _DURATION.match(text or "")
    if not match or not any(match.groups()):
        return None
    h, m, s = (int(g or 0) for g in match.groups())
    return h * 3600 + m * 60 + s


def parse_time(text: str) -> datetime | None:
    text = " ".join((text or "").replace("\u202f", " ").split())
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _clean_email(value: str) -> str:
    value = (value or "").strip().lower()
    return value if EMAIL.match(value) else ""


def _add(people: dict[str, Participant], person: Participant) -> None:
    """Re-joins (the same email, or the same name without one) become one line."""
    if person.key in people:
        people[person.key].seconds += person.seconds
        people[person.key].joins += 1
    else:
        people[person.key] = person


def _table(text: str, delimiter: str) -> list[list[str]]:
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _index(header: list[str], *names: str) -> dict[str, int]:
    lower = [h.strip().lower() for h in header]
    return {n: lower.index(n) for n in names if n in lower}


def _cell(row: list[str], at: dict[str, int], name: str) -> str:
    i = at.get(name)
    return row[i] if i is not None and i < len(row) else ""


def parse_teams(text: str) -> Report:
    """The current Teams report: "1. Summary" (with "Meeting duration"), "2. Participants"
    (Name, First Join, Last Leave, In-Meeting Duration, Email, Participant ID (UPN), Role),
    then "3. In-Meeting Activities"."""
    rows = _table(text, "\t")
    meeting_minutes, people, problems = None, {}, []
    start = None
    for i, row in enumerate(rows):
        first = row[0].lower() if row else ""
        if first == "meeting duration" and len(row) > 1:
            seconds = parse_duration(row[1])
            meeting_minutes = round(seconds / 60) if seconds else None
        if re.match(r"^(2\.\s*)?participants$", first):
            start = i + 1
            break
    if start is None or start >= len(rows):
        raise InvalidInput(WRONG_FILE, field="report")
    at = _index(rows[start], "name", "in-meeting duration", "duration", "email",
                "participant id (upn)")
    if "name" not in at or not ({"in-meeting duration", "duration"} & at.keys()):
        raise InvalidInput("The Participants section of this Teams report has no Name or "
                           "In-meeting duration column.", field="report")
    for row in rows[start + 1:]:
        if not any(row) or re.match(r"^\d+\.\s", row[0]):
            break  # a blank line or "3. In-Meeting Activities" ends the section
        duration = _cell(row, at, "in-meeting duration") or _cell(row, at, "duration")
        seconds = parse_duration(duration)
        name = _cell(row, at, "name")
        if seconds is None:
            problems.append(f"{name or 'A row'}: the duration {duration!r} is not one we can read, "
                            "so it is counted as 0 minutes.")
        _add(people, Participant(name=name, email=_clean_email(_cell(row, at, "email")),
                                 upn=_clean_email(_cell(row, at, "participant id (upn)")),
                                 seconds=seconds or 0))
    return Report("teams", list(people.values())[:MAX_ROWS], meeting_minutes, problems)


def parse_teams_log(text: str) -> Report:
    """The older Teams export: Full Name, User Action (Joined / Joined before / Left), Timestamp
    — one line per join or leave, and no email at all (names are matched instead)."""
    rows = _table(text, "\t")
    at = _index(rows[0], "full name", "user action", "timestamp")
    events: list[tuple[str, str, datetime]] = []
    problems = []
    for row in rows[1:]:
        if not any(row):
            continue
        when = parse_time(_cell(row, at, "timestamp"))
        if when is None:
            problems.append(f"{_cell(row, at, 'full name') or 'A row'}: the time "
                            f"{_cell(row, at, 'timestamp')!r} is not one we can read, so it is left out.")
            continue
        events.append((_cell(row, at, "full name"), _cell(row, at, "user action").lower(), when))
    if not events:
        raise InvalidInput("This Teams attendance list has no joins or leaves in it.", field="report")
    end = max(e[2] for e in events)
    people: dict[str, Participant] = {}
    joined: dict[str, datetime] = {}
    for name, action, when in sorted(events, key=lambda e: e[2]):
        key = " ".join(name.lower().split())
        person = people.setdefault(key, Participant(name=name, joins=0))
        if action.startswith("joined"):
            joined.setdefault(key, when)
            person.joins += 1
        elif action.startswith("left") and key in joined:
            person.seconds += int((when - joined.pop(key)).total_seconds())
    for key, since in joined.items():  # still there when the list was saved
        people[key].seconds += int((end - since).total_seconds())
    return Report("teams", list(people.values())[:MAX_ROWS], None, problems)


def parse_zoom(text: str) -> Report:
    """Zoom's participants export: optionally a meeting block (Meeting ID, Topic, …, Duration
    (Minutes)) and a blank line, then Name (Original Name), User Email, Join Time, Leave Time,
    Duration (Minutes), Guest — a row per join, to be added up."""
    rows = _table(text, ",")
    meeting_minutes, start = None, 0
    if rows and rows[0] and rows[0][0].lower() == "meeting id":
        head = _index(rows[0], "duration (minutes)")
        if len(rows) > 1 and (value := _cell(rows[1], head, "duration (minutes)")).isdigit():
            meeting_minutes = int(value)
        start = next((i for i, r in enumerate(rows) if r and r[0].lower().startswith("name")), -1)
        if start < 0:
            raise InvalidInput("This Zoom report has the meeting's details but no participants. "
                               "Export it again with the participants included.", field="report")
    at = _index(rows[start], "name (original name)", "name", "user email", "duration (minutes)")
    name_col = "name (original name)" if "name (original name)" in at else "name"
    if name_col not in at or "duration (minutes)" not in at:
        raise InvalidInput(WRONG_FILE, field="report")
    people: dict[str, Participant] = {}
    problems = []
    for row in rows[start + 1:]:
        if not any(row):
            continue
        name = _cell(row, at, name_col)
        minutes = _cell(row, at, "duration (minutes)")
        if not minutes.isdigit():
            problems.append(f"{name or 'A row'}: the duration {minutes!r} is not a number of "
                            "minutes, so it is counted as 0.")
        _add(people, Participant(name=name, email=_clean_email(_cell(row, at, "user email")),
                                 seconds=int(minutes) * 60 if minutes.isdigit() else 0))
    return Report("zoom", list(people.values())[:MAX_ROWS], meeting_minutes, problems)


def read_report(data: bytes) -> Report:
    """Whichever of the three formats the file is, by what its header says."""
    if not data:
        raise InvalidInput("The file is empty.", field="report")
    if len(data) > MAX_BYTES:
        raise InvalidInput("The file is larger than 2 MB. Upload the attendance report itself.",
                           field="report")
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise InvalidInput(WRONG_FILE, field="report")
    lines = [line.strip().lower() for line in text.splitlines() if line.strip()]
    if not lines:
        raise InvalidInput("The file is empty.", field="report")
    if lines[0].startswith(("1. summary", "summary", "meeting summary")) or \
            any(re.match(r"^(2\.\s*)?participants$", line) for line in lines[:40]):
        report = parse_teams(text)
    elif lines[0].startswith("full name\tuser action"):
        report = parse_teams_log(text)
    elif lines[0].startswith(("meeting id,", "name (original name),", "name,user email")):
        report = parse_zoom(text)
    else:
        raise InvalidInput(WRONG_FILE, field="report")
    if not report.participants:
        raise InvalidInput("There is nobody in this attendance report.", field="report")
    return report
