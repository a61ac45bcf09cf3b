"""Changing a member's own CPD record: entries, suggestions, settings. Each commits once.

Every function takes the member as `actor` and only ever touches that member's rows: the
record has no other reader or writer, so there is no policy beyond "is it yours".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum.cpd import rules
from forum.cpd.models import CODE_LABELS, METHOD_LABELS, CpdEntry, CpdSettings, EntryStatus, Source
from forum.db import utcnow
from forum.errors import InvalidInput, NotFound
from forum.extensions import db
from forum.members.models import User
from forum.uploads import services as uploads
from forum.uploads.types import JPEG, PDF, PNG

CERTIFICATE_RULES = uploads.UploadRules(types=(PDF, PNG, JPEG), max_bytes=10 * uploads.MB,
                                        field="certificate")
TOPIC_MAX = 200
PRACTICE_MAX = 5000


@dataclass(slots=True)
class EntryInput:
    start_date: date
    end_date: date | None
    method: str
    topic: str
    practice: str
    minutes: int
    participatory_minutes: int
    code_theme: str = ""
    evidence_url: str = ""


def _check(actor: User, data: EntryInput, *, future_ok: bool = False) -> None:
    today = utcnow().date()
    if not data.topic.strip():
        raise InvalidInput("Enter the topic", field="topic")
    if len(data.topic) > TOPIC_MAX:
        raise InvalidInput(f"The topic must be {TOPIC_MAX} characters or fewer", field="topic")
    if len(data.practice) > PRACTICE_MAX:
        raise InvalidInput(f"This must be {PRACTICE_MAX} characters or fewer", field="practice")
    if data.method not in METHOD_LABELS:
        raise InvalidInput("Choose the method", field="method")
    if data.code_theme and data.code_theme not in CODE_LABELS:
        raise InvalidInput("Choose a part of the Code", field="code_theme")
    if not future_ok and data.start_date > today:
        raise InvalidInput("The date must be today or in the past", field="start_date")
    if data.end_date is not None and data.end_date < data.start_date:
        raise InvalidInput("The end date must be the same as or after the start date", field="end_date")
    if data.end_date is not None and not future_ok and data.end_date > today:
        raise InvalidInput("The end date must be today or in the past", field="end_date")
    problems = rules.check_hours(data.minutes, data.participatory_minutes, data.start_date,
                                 data.end_date)
    for name, message in problems.items():
        raise InvalidInput(message, field=name)
    url = data.evidence_url.strip()
    if url and not (url.startswith("/") and not url.startswith("//")):
        raise InvalidInput("Give a link to a page on this site, starting with /, for example "
                           "/qi/12", field="evidence_url")


def _apply(entry: CpdEntry, data: EntryInput) -> None:
    entry.start_date, entry.end_date = data.start_date, data.end_date
    entry.method, entry.topic = data.method, " ".join(data.topic.split())
    entry.practice, entry.code_theme = data.practice.strip(), data.code_theme
    entry.minutes, entry.participatory_minutes = data.minutes, data.participatory_minutes
    entry.evidence_url = data.evidence_url.strip()


def _store_certificate(actor: User, entry: CpdEntry, certificate: tuple[BinaryIO, str] | None):
    if certificate is None:
        return None
    stream, filename = certificate
    old = entry.evidence_upload
    entry.evidence_upload = uploads.store_file(actor, stream, filename=filename, rules=CERTIFICATE_RULES)
    if old is not None:
        db.session.delete(old)
    return old


def add_entry(actor: User, data: EntryInput, *,
              certificate: tuple[BinaryIO, str] | None = None) -> CpdEntry:
    """The member's own entry, optionally with a certificate (PDF, PNG or JPEG, 10 MB)."""
    _check(actor, data)
    entry = CpdEntry(user_id=actor.id, source=Source.OWN, status=EntryStatus.RECORDED)
    _apply(entry, data)
    _store_certificate(actor, entry, certificate)
    db.session.add(entry)
    db.session.commit()
    return entry


def get_own_entry(actor: User, entry_id: int) -> CpdEntry:
    """The member's entry, or NotFound: another member's entry does not exist for them."""
    entry = db.session.get(CpdEntry, entry_id)
    if entry is None or entry.user_id != actor.id:
        raise NotFound("No such entry")
    return entry


def update_entry(actor: User, entry: CpdEntry, data: EntryInput, *,
                 certificate: tuple[BinaryIO, str] | None = None,
                 remove_certificate: bool = False) -> CpdEntry:
    """Edit any entry in the record; from then on it is the member's and never removed for them."""
    if entry.user_id != actor.id:
        raise NotFound("No such entry")
    _check(actor, data)
    _apply(entry, data)
    discarded = _store_certificate(actor, entry, certificate)
    if remove_certificate and certificate is None and entry.evidence_upload is not None:
        discarded = entry.evidence_upload
        entry.evidence_upload = None
        db.session.delete(discarded)
    entry.status = EntryStatus.RECORDED
    entry.edited_at = utcnow()
    db.session.commit()
    if discarded is not None:
        uploads.discard_file(discarded)
    return entry


def delete_entry(actor: User, entry: CpdEntry) -> None:
    """Remove an entry. One from an event stays away: it is kept as ignored, not re-created."""
    if entry.user_id != actor.id:
        raise NotFound("No such entry")
    upload = entry.evidence_upload
    if entry.source == Source.OWN:
        db.session.delete(entry)
    else:
        entry.status = EntryStatus.IGNORED
        entry.evidence_upload = None
    if upload is not None:
        db.session.delete(upload)
    db.session.commit()
    if upload is not None:
        uploads.discard_file(upload)


def accept_suggestion(actor: User, entry: CpdEntry) -> CpdEntry:
    if entry.user_id != actor.id:
        raise NotFound("No such entry")
    entry.status = EntryStatus.RECORDED
    db.session.commit()
    return entry


def ignore_suggestion(actor: User, entry: CpdEntry) -> None:
    if entry.user_id != actor.id:
        raise NotFound("No such entry")
    entry.status = EntryStatus.IGNORED
    db.session.commit()


def suggest(user_id: int, source: Source, source_id: int, **values) -> CpdEntry | None:
    """Add an entry for (member, source, id) unless one exists (in any state); None if it did.

    Safe when two workers race: the unique constraint decides, in a savepoint. The caller
    commits (an outbox handler's batch, or the QI accept below)."""
    found = db.session.scalar(select(CpdEntry).where(
        CpdEntry.user_id == user_id, CpdEntry.source == source, CpdEntry.source_id == source_id))
    if found is not None:
        return None
    entry = CpdEntry(user_id=user_id, source=source, source_id=source_id, **values)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        return None
    return entry


def record_qi_work(actor: User, writeup_id: int, data: EntryInput | None) -> CpdEntry | None:
    """Accept a write-up the member is on into the record (with the hours they give), or
    ignore it (data None) so it is not offered again."""
    from forum.cpd import queries

    if writeup_id not in {o.writeup_id for o in queries.qi_suggestions(actor)}:
        raise NotFound("No such suggestion")
    if data is None:
        entry = suggest(actor.id, Source.QI, writeup_id, status=EntryStatus.IGNORED,
                        start_date=utcnow().date(), method="QI project work", topic="QI project work")
    else:
        _check(actor, data)
        entry = suggest(actor.id, Source.QI, writeup_id, status=EntryStatus.RECORDED,
                        start_date=data.start_date, topic=data.topic)
        if entry is not None:
            _apply(entry, data)
            entry.edited_at = utcnow()
    db.session.commit()
    return entry


def set_revalidation_date(actor: User, day: date | None) -> CpdSettings:
    today = utcnow().date()
    if day is not None and not (rules.add_months(today, -12) <= day <= rules.add_months(today, 12 * 3)):
        raise InvalidInput("Enter a revalidation date within the next three years (or the past year)",
                           field="revalidation_date")
    settings = db.session.get(CpdSettings, actor.id)
    if settings is None:
        settings = CpdSettings(user_id=actor.id)
        db.session.add(settings)
    settings.revalidation_date, settings.updated_at = day, utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # made by a second request at the same moment: set it on that row
        db.session.rollback()
        settings = db.session.get(CpdSettings, actor.id)
        settings.revalidation_date, settings.updated_at = day, utcnow()
        db.session.commit()
    return settings
