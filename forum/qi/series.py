"""A measure's data series from what people actually have: text pasted from a spreadsheet, or
a CSV file saved by Excel or anything else. Pure parsing, no Flask, so it is tested alone.

`parse_text(text)` and `parse_csv(data)` return a `ParsedSeries`: the good rows (sorted by
date), every wrong row with its number and a plain-English reason, and notices (rows that
were out of date order are sorted, and the page says so). Nothing is saved by this module;
the service saves only a series with no errors, so a person fixes or drops the wrong rows.

Decisions, so callers and tests agree:
- separator: tab, semicolon or comma, whichever splits the first lines most consistently
  (tab first: what a spreadsheet copy gives); a semicolon file uses the decimal comma;
- dates are read day first, as in the UK: 01/03/2024 is 1 March 2024; "Mar-24", "Mar 2024",
  "March 2024" and 2024-03 are months; a header or cells saying "week" or "w/c" make weeks;
- out-of-order dates are allowed and sorted (the chart is in time order), with a notice;
  a repeated date is an error on the later row; at most MAX_ROWS rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

MAX_ROWS = 5_000
MAX_NOTE = 500

DAY, WEEK, MONTH = "day", "week", "month"

MONTHS = {name: n for n, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for name in names}

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_UK = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
_MONTH_YEAR = re.compile(r"([a-z]+)\.?[-/ ']?\s*(\d{2}|\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ -]([a-z]+)\.?[ ,-]*(\d{2}|\d{4})")
_WEEK_PREFIX = re.compile(r"^(?:w/?c|wc|week\s+(?:commencing|beginning|starting))[:.]?\s*", re.I)
_THOUSANDS = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"-?\d*,\d+")

DATE_WORDS = ("date", "period", "month", "week", "day", "w/c", "time")
NOTE_WORDS = ("note", "comment", "annotation", "remark")


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # the row's number as the person sees it in their text or file
    period: date
    period_kind: str  # "day", "week" or "month"
    value: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    text: str  # the row as it was, so the page can show it
    reason: str


@dataclass
class ParsedSeries:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    problem: str = ""  # the whole input is unusable (empty, too long, not text)
    delimiter: str = ""
    has_header: bool = False
    encoding: str = ""
    source: str = ""  # a file's text as decoded, for the edit box

    @property
    def ok(self) -> bool:
        return not self.problem and not self.errors and bool(self.rows)


class DateError(ValueError):
    pass


def parse_date(cell: str) -> tuple[date, str]:
    """One date cell as (the period's first day, its kind); DateError says why not."""
    text = cell.strip().strip('"').strip()
    kind = DAY
    if _WEEK_PREFIX.match(text):
        text, kind = _WEEK_PREFIX.sub("", text), WEEK
    low = text.lower()
    if not low:
        raise DateError("there is no date")
    try:
        if m := _ISO.fullmatch(low):
            return date(int(m[1]), int(m[2]), int(m[3])), kind
        if m := _UK.fullmatch(low):
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return date(year, int(m[2]), int(m[1])), kind
        if m := _ISO_MONTH.fullmatch(low):
            return date(int(m[1]), int(m[2]), 1), MONTH
        if (m := _DAY_MONTH_YEAR.fullmatch(low)) and m[2] in MONTHS:
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return date(year, MONTHS[m[2]], int(m[1])), kind
        if (m := _MONTH_YEAR.fullmatch(low)) and m[1] in MONTHS:
            year = int(m[2]) + (2000 if len(m[2]) == 2 else 0)
            return date(year, MONTHS[m[1]], 1), MONTH
    except ValueError:
        raise DateError(f"“{cell.strip()}” is not a real date (dates are read day first: "
                        f"01/03/2024 is 1 March 2024)") from None
    if re.fullmatch(r"\d{5}(\.\d+)?", low):
        raise DateError(f"“{cell.strip()}” looks like a spreadsheet's date number: format the "
                        f"column as a date (for example 01/03/2024) and copy it again")
    raise DateError(f"“{cell.strip()}” is not a date we recognise (use 2024-03-01, "
                    f"01/03/2024, Mar-24 or March 2024)")


def parse_value(cell: str, *, decimal_comma: bool) -> float:
    """One value cell as a number: thousands separators, a % sign and spaces are allowed."""
    text = cell.strip().strip('"').replace("\u00a0", "").replace(" ", "").removesuffix("%")
    text = text.replace("\u2212", "-")  # a real minus sign, as some tools write it
    if not text:
        raise ValueError("there is no value")
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"“{cell.strip()}” is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"“{cell.strip()}” is not a number")
    return number


def detect_delimiter(lines: list[str]) -> str:
    """The separator that splits the first lines into the same number (2 or more) of cells."""
    sample = [line for line in lines if line.strip()][:20]
    best, best_score = "\t", -1
    for delimiter in ("\t", ";", ","):
        counts = [len(next(csv.reader([line], delimiter=delimiter))) for line in sample]
        useful = [c for c in counts if c >= 2]
        if not useful:
            continue
        # Most lines split, and split alike: a comma inside "1,234" or a note loses to tabs.
        score = len(useful) * 10 - len(set(useful))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _is_header(cells: list[str]) -> bool:
    if not cells:
        return False
    try:
        parse_date(cells[0])
        return False
    except DateError:
        pass
    words = " ".join(cells).lower()
    if any(w in words for w in DATE_WORDS + NOTE_WORDS + ("value", "count", "number", "%")):
        return True
    # A first row of words and no numbers is a header too ("Month, Patients seen").
    return not any(re.search(r"\d", c) for c in cells)


def _columns(header: list[str] | None) -> tuple[int, int, int | None, bool]:
    """Where the date, value and note are, and whether the header says weeks."""
    if not header:
        return 0, 1, 2, False
    names = [h.strip().lower() for h in header]
    date_col = next((i for i, h in enumerate(names) if any(w in h for w in DATE_WORDS)), 0)
    note_col = next((i for i, h in enumerate(names)
                     if i != date_col and any(w in h for w in NOTE_WORDS)), None)
    value_col = next((i for i in range(len(names)) if i not in (date_col, note_col)), 1)
    if note_col is None and len(names) > max(date_col, value_col) + 1:
        note_col = next(i for i in range(len(names)) if i not in (date_col, value_col))
    weekly = "week" in names[date_col] or "w/c" in names[date_col]
    return date_col, value_col, note_col, weekly


def parse_text(text: str, *, max_rows: int = MAX_ROWS, delimiter: str | None = None,
               header: bool | None = None) -> ParsedSeries:
    """Rows pasted from a spreadsheet (or a CSV file's text); `delimiter` and `header` are
    detected unless given (the row-by-row table gives both)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    result = ParsedSeries()
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        result.problem = "There are no rows. Paste a date and a value on each line."
        return result
    delimiter = delimiter or detect_delimiter([line for _, line in numbered])
    result.delimiter = delimiter
    records = [(n, line, next(csv.reader([line], delimiter=delimiter))) for n, line in numbered]
    first = records[0][2]
    header = first if (_is_header(first) if header is None else header) else None
    if header is not None:
        records, result.has_header = records[1:], True
    if len(records) > max_rows:
        result.problem = (f"There are {len(records):,} rows; a measure takes at most "
                          f"{max_rows:,}. Split the series, or take monthly totals instead.")
        return result
    date_col, value_col, note_col, weekly = _columns(header)
    single = all(len(cells) == 1 for _, _, cells in records)
    seen: dict[date, int] = {}
    for n, line, cells in records:
        if all(not c.strip() for c in cells):
            continue
        if single:
            result.errors.append(RowError(n, line, "there is only one column: put the date "
                                                   "and the value side by side"))
            continue
        try:
            period, kind = parse_date(cells[date_col] if date_col < len(cells) else "")
            value = parse_value(cells[value_col] if value_col < len(cells) else "",
                                decimal_comma=delimiter == ";")
        except ValueError as error:
            reason = str(error)
            result.errors.append(RowError(n, line, reason[:1].upper() + reason[1:]))
            continue
        if period in seen:
            result.errors.append(RowError(
                n, line, f"{period:%-d %B %Y} is also on row {seen[period]}: each date once"))
            continue
        seen[period] = n
        note = cells[note_col].strip() if note_col is not None and note_col < len(cells) else ""
        if len(note) > MAX_NOTE:
            result.errors.append(RowError(n, line, f"The note is longer than {MAX_NOTE} characters"))
            continue
        result.rows.append(Row(n, period, WEEK if weekly and kind == DAY else kind, value, note))
    _settle(result)
    return result


def _settle(result: ParsedSeries) -> None:
    """Sort into date order (saying so), and call a series of whole weeks weekly."""
    rows = result.rows
    if any(b.period < a.period for a, b in pairwise(rows)):
        rows.sort(key=lambda r: r.period)
        result.notices.append("Some dates were not in order; they are put in date order.")
    kinds = {r.period_kind for r in rows}
    if len(kinds) > 1 and MONTH in kinds:
        result.notices.append("Some rows are months and some are single dates; "
                              "each is shown as typed.")
    if kinds == {DAY} and len(rows) >= 3 and all(
            (b.period - a.period).days == 7 for a, b in pairwise(rows)):
        result.rows = [Row(r.line, r.period, WEEK, r.value, r.note) for r in rows]


# --- CSV files in whatever encoding they come in -----------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes) -> tuple[str, str]:
    """Bytes as text, and the encoding used. Excel writes UTF-8 with a BOM ("CSV UTF-8"),
    Windows-1252 ("CSV"), or UTF-16 with a BOM ("Unicode text"); Latin-1 covers the rest.

    Deterministic on purpose: a statistical detector guesses wrongly on short files with
    one accented name (a CSV is mostly digits), and these few rules cover what is made."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    if len(data) >= 4 and data[1::2].count(0) > len(data) // 4:  # UTF-16 without its BOM
        return data.decode("utf-16-le", errors="replace"), "utf-16-le"
    if len(data) >= 4 and data[0::2].count(0) > len(data) // 4:
        return data.decode("utf-16-be", errors="replace"), "utf-16-be"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
        return data.decode("latin-1"), "latin-1"


def parse_csv(data: bytes, *, max_rows: int = MAX_ROWS) -> ParsedSeries:
    """An uploaded CSV (or text) file: decoded, then read as pasted text."""
    if not data.strip():
        return ParsedSeries(problem="The file is empty.")
    if b"\x00" in data[:4096] and not _looks_utf16(data):
        return ParsedSeries(problem="This is not a CSV or text file. In Excel, choose "
                                    "File > Save As > CSV, then upload that file.")
    text, encoding = decode(data)
    result = parse_text(text, max_rows=max_rows)
    result.encoding, result.source = encoding, text.replace("\r\n", "\n").lstrip("\ufeff")
    return result


def _looks_utf16(data: bytes) -> bool:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = data[:4096]
    return sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4


def parse_table(rows: list[tuple[str, str, str]]) -> ParsedSeries:
    """The row-by-row table's (date, value, note) cells, numbered as the table shows them."""
    lines = ["\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row) for row in rows]
    return parse_text("\n".join(lines), delimiter="\t", header=False)


def as_text(rows: list[Row]) -> str:
    """Rows back as tab-separated text (the edit box keeps what was good)."""
    out = io.StringIO()
    for row in rows:
        value = f"{row.value:g}"
        out.write(f"{row.period.isoformat()}\t{value}" + (f"\t{row.note}" if row.note else "") + "\n")
    return out.getvalue()
