"""Bringing the old list here, and taking it away again.

Import: a CSV with email, name, and the date and source of the original consent. A row
without both is refused and listed, as are malformed and suppressed (unsubscribed or
bounced) addresses; rows for one address are merged; an address already on the list is
left as it is, so importing the same file twice changes nothing.

Export: the list as CSV, each cell made safe to open in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from forum.admin import policy
from forum.extensions import db
from forum.members.models import User
from forum.newsletter import consent
from forum.newsletter.models import Subscriber, SubscriberStatus, Suppression
from forum.newsletter.subscribers import email_hash, new_subscriber, normalise, record

MAX_ROWS = 20_000
COLUMNS = ("email", "name", "consent_date", "consent_source")
EXPORT_COLUMNS = ("email", "name", "profession", "organisation", "status", "source",
                  "consent_version", "consent_at", "confirmed_at", "unsubscribed_at")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d/%m/%y")


@dataclass
class Refused:
    line: int
    email: str
    reason: str


@dataclass
class ImportResult:
    added: int = 0
    already: int = 0
    merged: int = 0
    refused: list[Refused] = field(default_factory=list)


def _date(text: str) -> datetime | None:
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if parsed.date() > date.today():
            return None
        return parsed.replace(tzinfo=UTC)
    return None


def _rows(data: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff")))
    names = {(n or "").strip().lower().replace(" ", "_"): n for n in reader.fieldnames or []}
    if "email" not in names:
        raise ValueError("The file has no 'email' column. The first line must name the "
                         "columns: email, name, consent_date, consent_source.")
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            raise ValueError(f"The file has more than {MAX_ROWS:,} rows. Split it up.")
        yield number, {k: str(row.get(names[k]) or "").strip() if k in names else ""
                       for k in COLUMNS}


def import_csv(actor: User, data: str, *, filename: str = "") -> ImportResult:
    """Add the file's consenting, unsuppressed addresses as confirmed subscribers."""
    policy.require_organiser(actor)
    result = ImportResult()
    wanted: dict[str, tuple[int, dict[str, str], datetime]] = {}
    for number, row in _rows(data):
        raw = row["email"]
        try:
            email = validate_email(raw, check_deliverability=False).normalized
        except EmailNotValidError:
            result.refused.append(Refused(number, raw[:254], "not an email address"))
            continue
        when = _date(row["consent_date"]) if row["consent_date"] else None
        if when is None or not row["consent_source"]:
            reason = ("no consent date or source" if not row["consent_date"] or not row["consent_source"]
                      else "consent date not understood (use 2025-03-31 or 31/03/2025)")
            result.refused.append(Refused(number, email, reason))
            continue
        key = normalise(email)
        if key in wanted:
            result.merged += 1
            first = wanted[key][1]
            first["name"] = first["name"] or row["name"]
            continue
        wanted[key] = (number, row | {"email": email}, when)
    if not wanted:
        return result
    keys = list(wanted)
    existing: set[str] = set()
    suppressed: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        existing.update(db.session.scalars(
            select(func.lower(Subscriber.email)).where(func.lower(Subscriber.email).in_(chunk))))
        hashes = {email_hash(k): k for k in chunk}
        suppressed.update(hashes[h] for h in db.session.scalars(
            select(Suppression.email_hash).where(Suppression.email_hash.in_(list(hashes)))))
    for key, (number, row, when) in wanted.items():
        if key in suppressed:
            result.refused.append(Refused(number, row["email"],
                                          "unsubscribed or bounced before: not added again"))
        elif key in existing:
            result.already += 1
        else:
            text = (f"Consent given on {when:%d %B %Y} via {row['consent_source'][:120]} "
                    f"(imported from {filename or 'a file'})")
            subscriber = new_subscriber(row["email"], name=row["name"][:120],
                              status=SubscriberStatus.SUBSCRIBED, source="import",
                              source_detail=row["consent_source"][:200],
                              consent_version=consent.IMPORTED, consent_text=text,
                              consent_at=when, confirmed_at=when)
            db.session.flush()
            record(subscriber, "imported", source="import", detail=row["consent_source"],
                   version=consent.IMPORTED, text=text)
            result.added += 1
    result.refused.sort(key=lambda r: r.line)
    db.session.commit()
    return result


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    text = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def export_csv(actor: User) -> str:
    policy.require_organiser(actor)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for s in db.session.scalars(select(Subscriber).order_by(Subscriber.id)):
        writer.writerow([safe_cell(getattr(s, c)) for c in EXPORT_COLUMNS])
    return out.getvalue()
