"""Reading a member's CPD record. Every query is filtered by the member's own id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.cpd import hcpc, rules
from forum.cpd.hcpc_models import HcpcProfile
from forum.cpd.models import Certificate, CpdEntry, CpdSettings, EntryStatus, Reflection, Source
from forum.db import utcnow
from forum.extensions import db
from forum.members.models import User

MAX_ID = 2**31 - 1


def settings(user: User) -> CpdSettings | None:
    return db.session.get(CpdSettings, user.id)


def entries(user: User, *, status: str = EntryStatus.RECORDED, newest_first: bool = True) -> list[CpdEntry]:
    order = (CpdEntry.start_date.desc(), CpdEntry.id.desc()) if newest_first else (
        CpdEntry.start_date, CpdEntry.id)
    return list(db.session.scalars(
        select(CpdEntry).where(CpdEntry.user_id == user.id, CpdEntry.status == status)
        .options(joinedload(CpdEntry.evidence_upload)).order_by(*order)))


def entry(user: User, entry_id: int) -> CpdEntry | None:
    if not 0 < entry_id <= MAX_ID:
        return None
    return db.session.scalar(select(CpdEntry).where(CpdEntry.id == entry_id, CpdEntry.user_id == user.id)
                             .options(joinedload(CpdEntry.evidence_upload)))


def progress(user: User, record: list[CpdEntry] | None = None) -> rules.Progress:
    revalidation = getattr(settings(user), "revalidation_date", None)
    start, end = rules.cycle(revalidation, utcnow().date())
    rows = record if record is not None else entries(user)
    return rules.progress(((e.start_date, e.minutes, e.participatory_minutes) for e in rows), start, end)


@dataclass(frozen=True, slots=True)
class QiOffer:
    writeup_id: int
    title: str
    role: str
    day: date


def qi_suggestions(user: User) -> list[QiOffer]:
    """Published write-ups the member is on the team of, with no entry yet (in any state)."""
    from forum.qi.models import TeamMember, WriteUp

    taken = select(CpdEntry.source_id).where(CpdEntry.user_id == user.id, CpdEntry.source == Source.QI)
    rows = db.session.execute(
        select(WriteUp.id, WriteUp.title, TeamMember.role, WriteUp.published_at)
        .join(TeamMember, TeamMember.writeup_id == WriteUp.id)
        .where(TeamMember.user_id == user.id, WriteUp.published_at.is_not(None),
               WriteUp.hidden_at.is_(None), WriteUp.id.not_in(taken))
        .order_by(WriteUp.published_at.desc())).all()
    return [QiOffer(r.id, r.title, r.role, r.published_at.date()) for r in rows]


def reflections(user: User) -> list[Reflection]:
    return list(db.session.scalars(
        select(Reflection).where(Reflection.user_id == user.id)
        .options(joinedload(Reflection.entry)).order_by(Reflection.updated_at.desc())))


def reflection(user: User, reflection_id: int) -> Reflection | None:
    if not 0 < reflection_id <= MAX_ID:
        return None
    return db.session.scalar(select(Reflection).where(
        Reflection.id == reflection_id, Reflection.user_id == user.id)
        .options(joinedload(Reflection.entry)))


def certificates(user: User) -> dict[int, Certificate]:
    """The member's certificates by event id."""
    rows = db.session.scalars(select(Certificate).where(Certificate.user_id == user.id))
    return {c.event_id: c for c in rows}


@dataclass(frozen=True, slots=True)
class HcpcView:
    start: date
    end: date
    rows: list[tuple[str, object]]  # ("entry", CpdEntry) or ("gap", hcpc.ExplainedGap), oldest first
    gaps: list[hcpc.ExplainedGap]
    profile: HcpcProfile | None

    @property
    def gap_count(self) -> int:
        return len(self.gaps)

    @property
    def unexplained(self) -> list[hcpc.ExplainedGap]:
        return [g for g in self.gaps if not g.explanation]


def hcpc_gaps(user: User, record: list[CpdEntry] | None = None,
              ) -> tuple[date, date, list[CpdEntry], list[rules.Gap]]:
    """The last two years' window, its entries (oldest first) and its gaps of 3 months or more."""
    today = utcnow().date()
    start = rules.add_months(today, -12 * rules.HCPC_YEARS)
    rows = record if record is not None else entries(user, newest_first=False)
    inside = [e for e in rows if (e.end_date or e.start_date) >= start]
    return start, today, inside, rules.gaps([(e.start_date, e.end_date or e.start_date) for e in inside],
                                            start, today)


def hcpc_view(user: User, record: list[CpdEntry] | None = None) -> HcpcView:
    """Every activity of the last two years in date order, with gaps and their explanations."""
    start, end, inside, found = hcpc_gaps(user, record)
    gaps = hcpc.explained(user, found)
    rows: list[tuple[date, int, str, object]] = [(e.start_date, 1, "entry", e) for e in inside]
    rows += [(g.gap.start, 0, "gap", g) for g in gaps]
    rows.sort(key=lambda r: (r[0], r[1]))
    return HcpcView(start, end, [(kind, item) for _, _, kind, item in rows], gaps, hcpc.profile(user))
