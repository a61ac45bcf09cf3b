"""QI write-ups as a search document kind ("qi"), and their SQL re-check.

A write-up is one document, in a group of its own (forum.search.kinds): its object id and its
group are the same number, GROUP_OFFSETS["qi"] + the write-up's id.
The title is the title field (boosted); the aim and summary are the lead field (next); every
other text of the write-up (background, results, learning, how to replicate, the driver
diagram, measures' names, definitions and notes, PDSA cycles, captions) is the body.

Only published, unhidden write-ups have a document; a match is re-checked in SQL with
`forum.qi.policy.readable_condition` and the same published-and-not-hidden rule, so a draft
never appears, even to its team, and a stale index cannot show a hidden one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from forum.community.models import Alliance
from forum.discussions.queries import PAN_LONDON_NAME, PAN_LONDON_SLUG, is_pan_london
from forum.extensions import db
from forum.markup import to_text
from forum.qi.models import (
    SETTING_LABELS,
    STATUS_LABELS,
    DataPoint,
    Measure,
    TeamMember,
    WriteUp,
    writeup_professions,
)
from forum.qi.policy import readable_condition
from forum.search.kinds import DocumentKind, KindHit, Renamed, register_kind
from forum.search.schema import GROUP_OFFSETS

OFFSET = GROUP_OFFSETS["qi"]
KIND = "qi"
CHUNK = 500


def object_id(writeup_id: int) -> int:
    """A write-up's number in the index."""
    return OFFSET + writeup_id


def indexable_clause():
    """What has a document: published and not hidden."""
    return and_(WriteUp.published_at.is_not(None), WriteUp.hidden_at.is_(None))


def indexable_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(WriteUp).where(indexable_clause())) or 0


def indexable_ids(session: Session) -> list[int]:
    return list(session.scalars(select(WriteUp.id).where(indexable_clause()).order_by(WriteUp.id)))


def ids_filed_under(session: Session, renamed: Renamed) -> set[int]:
    """Write-ups whose documents carry a renamed member's, alliance's or profession's name."""
    conditions = []
    if author_ids := sorted(renamed.author_ids):
        team = select(TeamMember.writeup_id).where(TeamMember.user_id.in_(author_ids))
        conditions += [WriteUp.author_id.in_(author_ids), WriteUp.id.in_(team)]
    if alliance_ids := sorted(renamed.alliance_ids):
        conditions.append(WriteUp.alliance_id.in_(alliance_ids))
        pan_london = select(Alliance.id).where(Alliance.slug == PAN_LONDON_SLUG,
                                               Alliance.id.in_(alliance_ids))
        conditions.append(and_(WriteUp.alliance_id.is_(None), pan_london.exists()))
    if profession_ids := sorted(renamed.profession_ids):
        conditions.append(WriteUp.id.in_(select(writeup_professions.c.writeup_id).where(
            writeup_professions.c.profession_id.in_(profession_ids))))
    if not conditions:
        return set()
    return set(session.scalars(select(WriteUp.id).where(or_(*conditions))))


def _texts(*parts: str) -> str:
    return " \n".join(part for part in parts if part)


def writeup_document(writeup: WriteUp, notes: dict[int, list[str]], pan_london: str) -> dict[str, Any]:
    """The search fields of a loaded write-up (team, drivers, measures and cycles loaded;
    `notes`: each measure's data-point notes, as HTML)."""
    lead = _texts(to_text(writeup.aim_html), to_text(writeup.summary_html))
    rest = [to_text(getattr(writeup, f"{name}_html")) for name in
            ("background", "results", "learning", "replicate_needs", "replicate_pitfalls")]
    rest.append(writeup.replicate_time)
    rest += [node.text for node in writeup.drivers]
    for measure in writeup.measures:
        rest += [measure.name, to_text(measure.definition_html), measure.unit]
        rest += [to_text(note) for note in notes.get(measure.id, ())]
    for cycle in writeup.cycles:
        rest.append(cycle.change_idea)
        rest += [to_text(getattr(cycle, f"{name}_html"))
                 for name in ("plan", "prediction", "do", "study", "act_notes")]
    rest += [attachment.caption for attachment in writeup.attachments]
    body = _texts(*rest)
    alliance = writeup.alliance
    tags = [p.name for p in writeup.professions]
    tags += [alliance.name if alliance else pan_london, SETTING_LABELS.get(writeup.setting, ""),
             STATUS_LABELS.get(writeup.status, "")]
    names = [writeup.author.display_name] + [m.user.display_name for m in writeup.team
                                             if m.user_id != writeup.author_id]
    return {
        "title": writeup.title,
        "lead": lead,
        "body": body,
        "author": " \n".join(names),
        "author_id": str(writeup.author_id),
        "alliance": ("0" if alliance is None or alliance.slug == PAN_LONDON_SLUG
                     else str(writeup.alliance_id)),
        "professions": " ".join(str(p.id) for p in writeup.professions),
        "tags": " \n".join(tag for tag in tags if tag),
        "created": writeup.published_at or writeup.created_at,
        "audience": "public" if writeup.is_public else "members",
    }


def documents_for(session: Session, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Search fields of the indexable write-ups among `ids`, keyed by write-up id (a fixed
    number of queries per chunk of CHUNK write-ups)."""
    ids = sorted(set(ids))
    pan_london = session.scalar(select(Alliance.name).where(Alliance.slug == PAN_LONDON_SLUG)) or ""
    docs: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        writeups = list(session.scalars(
            select(WriteUp).where(WriteUp.id.in_(chunk), indexable_clause()).options(
                joinedload(WriteUp.author), joinedload(WriteUp.alliance),
                selectinload(WriteUp.professions),
                selectinload(WriteUp.team).joinedload(TeamMember.user),
                selectinload(WriteUp.drivers), selectinload(WriteUp.measures),
                selectinload(WriteUp.cycles), selectinload(WriteUp.attachments))).unique())
        notes: dict[int, list[str]] = {}
        if writeups:
            rows = session.execute(
                select(DataPoint.measure_id, DataPoint.note_html)
                .join(Measure, Measure.id == DataPoint.measure_id)
                .where(Measure.writeup_id.in_([w.id for w in writeups]), DataPoint.note_html != "")
                .order_by(DataPoint.measure_id, DataPoint.period))
            for measure_id, note in rows:
                notes.setdefault(measure_id, []).append(note)
        for writeup in writeups:
            docs[writeup.id] = writeup_document(writeup, notes, pan_london)
    return docs


# --- the re-check --------------------------------------------------------------------------

def _sql_filters(stmt, filters: Any):
    """The search's filters in SQL, as they apply to write-ups (a board, a discussion or
    another kind never reaches here: forum.search.kinds.DocumentKind.excluded)."""
    if filters.alliance_id is not None:
        if filters.alliance_id == 0:
            stmt = stmt.where(or_(WriteUp.alliance_id.is_(None), WriteUp.alliance_id.in_(
                select(Alliance.id).where(Alliance.slug == PAN_LONDON_SLUG))))
        else:
            stmt = stmt.where(WriteUp.alliance_id == filters.alliance_id)
    if filters.profession_id is not None:
        stmt = stmt.where(WriteUp.id.in_(select(writeup_professions.c.writeup_id).where(
            writeup_professions.c.profession_id == filters.profession_id)))
    if filters.author_id is not None:
        stmt = stmt.where(WriteUp.author_id == filters.author_id)
    from forum.search.visibility import _day_end, _day_start

    if filters.date_from:
        stmt = stmt.where(WriteUp.published_at >= _day_start(filters.date_from).replace(tzinfo=UTC))
    if filters.date_to:
        stmt = stmt.where(WriteUp.published_at <= _day_end(filters.date_to).replace(tzinfo=UTC))
    return stmt


def _visible(stmt, viewer: Any, filters: Any):
    return _sql_filters(stmt.where(readable_condition(viewer), indexable_clause()), filters)


def visible_ids(ids: list[int], viewer: Any, filters: Any) -> set[int]:
    """Which of these write-ups the viewer may see in search."""
    return set(db.session.scalars(_visible(select(WriteUp.id), viewer, filters).where(WriteUp.id.in_(ids))))


def writeup_text(writeup: WriteUp) -> str:
    """A write-up's own words, for its snippet: summary and aim first."""
    return " ".join(to_text(getattr(writeup, f"{name}_html"))
                    for name in ("summary", "aim", "background", "results", "learning"))


def load(ids: list[int], viewer: Any, filters: Any) -> dict[int, KindHit]:
    """The write-ups to list, through the same rule (one query)."""
    stmt = _visible(select(WriteUp), viewer, filters).where(WriteUp.id.in_(ids)).options(
        joinedload(WriteUp.alliance), joinedload(WriteUp.author))
    found: dict[int, KindHit] = {}
    for writeup in db.session.scalars(stmt).unique():
        alliance = writeup.alliance
        where = PAN_LONDON_NAME if is_pan_london(alliance) else alliance.name
        found[writeup.id] = KindHit(
            title=writeup.title, endpoint="qi.show_writeup", url_values={"writeup_id": writeup.id},
            snippet_text=writeup_text(writeup), date=writeup.published_at, date_label="Shared",
            facts=[STATUS_LABELS.get(writeup.status, writeup.status),
                   SETTING_LABELS.get(writeup.setting, writeup.setting), where],
            link_text="Read this QI project", item=writeup)
    return found


WRITEUPS = register_kind(DocumentKind(
    key=KIND, label="QI write-ups", noun="QI write-up", badge="QI project", offset=OFFSET,
    indexable_ids=indexable_ids, indexable_count=indexable_count, documents_for=documents_for,
    load=load, visible_ids=visible_ids, ids_filed_under=ids_filed_under))
