"""London wall-clock time <-> UTC, honest about the two clock changes a year.

In March an hour does not exist (01:00-01:59 on the last Sunday); in October one happens
twice (01:00-01:59 on the last Sunday). A time typed in a form is refused in the first case
and, in the second, the organiser is asked which of the two they mean.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from forum.errors import InvalidInput

LONDON = ZoneInfo("Europe/London")
EARLIER, LATER = "earlier", "later"


class AmbiguousTime(InvalidInput):
    """The time happens twice; the form shows a choice of the two."""

    def __init__(self, message: str, field: str, options: list[tuple[str, str]]) -> None:
        super().__init__(message, field=field)
        self.options = options


def _twelve_hour(value: time) -> str:
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def day_text(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def to_utc(day: date, clock: time, *, field: str, fold: str | None = None) -> datetime:
    """The UTC instant of `clock` on `day` in London; refuses a time that does not exist and
    asks (AmbiguousTime) about one that happens twice unless `fold` says which."""
    naive = datetime.combine(day, clock)
    first, second = naive.replace(tzinfo=LONDON, fold=0), naive.replace(tzinfo=LONDON, fold=1)
    when = f"{_twelve_hour(clock)} on {day_text(day)}"
    if first.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != naive:
        raise InvalidInput(f"{when} does not exist in London: the clocks go forward an hour that "
                           f"night. Enter a time before 1am or from 2am", field=field)
    if first.utcoffset() != second.utcoffset():
        if fold == EARLIER:
            return first.astimezone(UTC)
        if fold == LATER:
            return second.astimezone(UTC)
        raise AmbiguousTime(
            f"{when} happens twice in London, because the clocks go back an hour that night. "
            f"Choose which one you mean", field=field,
            options=[(EARLIER, f"The first {_twelve_hour(clock)}, British Summer Time (BST, UTC+1)"),
                     (LATER, f"The second {_twelve_hour(clock)}, Greenwich Mean Time (GMT, UTC+0)")])
    return first.astimezone(UTC)


def local(value: datetime) -> datetime:
    return value.astimezone(LONDON)


def fold_of(value: datetime) -> str | None:
    """EARLIER or LATER when this instant's London time happens twice, else None."""
    there = local(value)
    other = there.replace(fold=1 - there.fold)
    if other.utcoffset() == there.utcoffset():
        return None
    return LATER if there.fold else EARLIER


def show(value: datetime, *, with_day: bool = True) -> str:
    """'Tuesday 27 October 2026, 12:30pm (GMT)': the zone named, so either side of a clock
    change reads right."""
    there = local(value)
    zone = there.tzname() or ""
    clock = f"{_twelve_hour(there.time())} ({zone})"
    return f"{there:%A} {day_text(there.date())}, {clock}" if with_day else clock


def show_span(start: datetime, end: datetime) -> str:
    same_day = local(start).date() == local(end).date()
    return f"{show(start)} to {show(end, with_day=not same_day)}"
