"""The HCPC CPD profile: explaining gaps of three months or more, and the personal statement.

The HCPC audits 2.5% of registrants each renewal; those chosen send a profile with a summary of
their practice and a statement of how their CPD meets the five CPD standards, and every gap of
three months or more in the record must be explained ("maternity leave", "long-term sickness").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from forum.cpd import rules
from forum.cpd.hcpc_models import GapNote, HcpcProfile
from forum.db import utcnow
from forum.errors import InvalidInput
from forum.extensions import db
from forum.members.models import User

SUMMARY_WORDS = 500      # the HCPC's suggested length: guidance, not a limit
STATEMENT_WORDS = 1500
TEXT_MAX = 20_000        # characters: well beyond the guidance, short of abuse
NOTE_MAX = 1000

STANDARDS = (
    "Maintain a continuous, up-to-date and accurate record of your CPD activities.",
    "Show that your CPD activities are a mixture of learning activities relevant to current "
    "or future practice.",
    "Seek to ensure that your CPD has contributed to the quality of your practice and service "
    "delivery.",
    "Seek to ensure that your CPD benefits the service user.",
    "Upon request, present a written profile (your own work, supported by evidence) explaining "
    "how you have met the standards for CPD.",
)


def word_count(text: str) -> int:
    return len(re.findall(r"\S+", text or ""))


def _overlap(a_start: date, a_end: date, b_start: date, b_end: date) -> int:
    """Days two spans share; 0 when they only touch or are apart."""
    return max(0, (min(a_end, b_end) - max(a_start, b_start)).days)


def match_notes(gaps: Sequence[rules.Gap], notes: Sequence[GapNote]) -> list[GapNote | None]:
    """Each gap's note: the one overlapping it most, each note used for one gap at most."""
    pairs = sorted(((_overlap(g.start, g.end, n.start_date, n.end_date), gi, ni)
                    for gi, g in enumerate(gaps) for ni, n in enumerate(notes)), reverse=True)
    found: list[GapNote | None] = [None] * len(gaps)
    used: set[int] = set()
    for days, gi, ni in pairs:
        if days > 0 and found[gi] is None and ni not in used:
            found[gi] = notes[ni]
            used.add(ni)
    return found


def notes(user: User) -> list[GapNote]:
    return list(db.session.scalars(select(GapNote).where(GapNote.user_id == user.id)
                                   .order_by(GapNote.start_date, GapNote.id)))


def profile(user: User) -> HcpcProfile | None:
    return db.session.get(HcpcProfile, user.id)


@dataclass(frozen=True, slots=True)
class ExplainedGap:
    gap: rules.Gap
    note: GapNote | None

    @property
    def explanation(self) -> str:
        return self.note.explanation if self.note else ""


def explained(user: User, gaps: Sequence[rules.Gap]) -> list[ExplainedGap]:
    return [ExplainedGap(g, n) for g, n in zip(gaps, match_notes(gaps, notes(user)), strict=True)]


def explain_gap(actor: User, gap: rules.Gap, explanation: str) -> GapNote | None:
    """Save why there was no CPD in `gap` (its note now carries the gap's current dates);
    an empty explanation removes the note."""
    text = explanation.strip()
    if len(text) > NOTE_MAX:
        raise InvalidInput(f"The explanation must be {NOTE_MAX} characters or fewer", field="explanation")
    note = explained(actor, [gap])[0].note
    if not text:
        if note is not None:
            db.session.delete(note)
            db.session.commit()
        return None
    if note is None:
        note = GapNote(user_id=actor.id)
        db.session.add(note)
    note.start_date, note.end_date, note.explanation, note.updated_at = gap.start, gap.end, text, utcnow()
    db.session.commit()
    return note


def save_profile(actor: User, summary: str, statement: str) -> HcpcProfile:
    """Save the summary of practice and the statement; the word guidance is shown, not enforced."""
    for field, text in (("summary", summary), ("statement", statement)):
        if len(text) > TEXT_MAX:
            raise InvalidInput(f"This must be {TEXT_MAX:,} characters or fewer", field=field)
    row = profile(actor) or HcpcProfile(user_id=actor.id)
    row.summary, row.statement, row.updated_at = summary.strip(), statement.strip(), utcnow()
    db.session.add(row)
    db.session.commit()
    return row
