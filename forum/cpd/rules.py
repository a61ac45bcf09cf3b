"""The arithmetic of revalidation, with no web or database code: tested on its own.

NMC: 35 hours of CPD in the three years before the revalidation date, at least 20 of them
participatory. HCPC: a continuous record; a gap of three months or more must be explained.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

NMC_MINUTES = 35 * 60
NMC_PARTICIPATORY_MINUTES = 20 * 60
CYCLE_YEARS = 3
HCPC_YEARS = 2
GAP_MONTHS = 3
DAY_MINUTES = 24 * 60


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), the month's last day where it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cycle(revalidation: date | None, today: date) -> tuple[date, date]:
    """The three-year window a record is counted over: (first day, last day), inclusive.

    With no revalidation date set, the three years up to today."""
    end = revalidation or today
    return add_months(end, -12 * CYCLE_YEARS) + timedelta(days=1), end


@dataclass(frozen=True, slots=True)
class Progress:
    minutes: int
    participatory_minutes: int
    start: date
    end: date

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def participatory_hours(self) -> float:
        return self.participatory_minutes / 60

    @property
    def hours_needed(self) -> float:
        return max(0, NMC_MINUTES - self.minutes) / 60

    @property
    def participatory_needed(self) -> float:
        return max(0, NMC_PARTICIPATORY_MINUTES - self.participatory_minutes) / 60

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.minutes / NMC_MINUTES))

    @property
    def participatory_percent(self) -> int:
        return min(100, round(100 * self.participatory_minutes / NMC_PARTICIPATORY_MINUTES))

    @property
    def met(self) -> bool:
        return self.minutes >= NMC_MINUTES and self.participatory_minutes >= NMC_PARTICIPATORY_MINUTES


def progress(entries: Iterable[tuple[date, int, int]], start: date, end: date) -> Progress:
    """Totals of (date, minutes, participatory minutes) falling inside [start, end]."""
    minutes = participatory = 0
    for day, total, part in entries:
        if start <= day <= end:
            minutes += total
            participatory += part
    return Progress(minutes, participatory, start, end)


@dataclass(frozen=True, slots=True)
class Gap:
    start: date  # the day after the last activity (or the window's start)
    end: date    # the next activity's day (or today)

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def gaps(days: Sequence[tuple[date, date]], start: date, end: date) -> list[Gap]:
    """Spans of three months or more inside [start, end] with no activity, for the HCPC view.

    `days` are (first, last) days of each activity, in any order."""
    found: list[Gap] = []
    cursor = start
    for first, last in sorted(days):
        if first > end:
            break
        if add_months(cursor, GAP_MONTHS) <= first:
            found.append(Gap(cursor, first))
        cursor = max(cursor, last)
    if add_months(cursor, GAP_MONTHS) <= end:
        found.append(Gap(cursor, end))
    return found


def parse_hours(text: str | Decimal | float | None) -> int | None:
    """Hours as typed ("1.5", "1,5", "2") to whole minutes; None when it is not a number."""
    if text is None or len(str(text)) > 20:
        return None
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) > 10_000:  # no day has more; nor does an integer column
        return None
    return int((value * 60).to_integral_value())


def check_hours(minutes: int, participatory: int, first: date, last: date | None) -> dict[str, str]:
    """What is wrong with an entry's hours, by field name (empty when they are fine)."""
    errors: dict[str, str] = {}
    days = ((last or first) - first).days + 1
    if minutes <= 0:
        errors["hours"] = "Hours must be more than 0"
    elif minutes > DAY_MINUTES * max(days, 1):
        errors["hours"] = ("Hours cannot be more than 24 for one day" if days == 1 else
                           f"Hours cannot be more than 24 a day ({24 * days} for {days} days)")
    if participatory < 0:
        errors["participatory_hours"] = "Participatory hours cannot be negative"
    elif participatory > max(minutes, 0):
        errors["participatory_hours"] = "Participatory hours cannot be more than the hours"
    return errors


def hours_text(minutes: int) -> str:
    """1.5 → "1.5", 2.0 → "2", 0.25 → "0.25": hours as people write them."""
    value = Decimal(minutes) / 60
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"
