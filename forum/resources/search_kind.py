"""Resources as a search document kind ("resource"), and their SQL re-check.

Only published resources have a document. Title is the title field; the description is the
lead; a guide's text and the text of an uploaded PDF are the body; the kind, topic, alliance,
professions and source event are tags. A match is re-checked with `policy.readable` (the
rule the library's list uses), so a suggestion, a retired resource or, for a visitor, a
members-only one never appears, whatever the index holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from forum.community.models import Alliance
from forum.discussions.queries import PAN_LONDON_NAME, PAN_LONDON_SLUG, is_pan_london
from forum.extensions import db
from forum.markup import to_text
from forum.resources.models import KIND_LABELS, Resource, ResourceStatus, resource_professions
from forum.resources.pdf_text import pdf_text
from forum.resources.policy import readable
from forum.search.kinds import DocumentKind, KindHit, Renamed, register_kind
from forum.search.schema import GROUP_OFFSETS
from forum.uploads.services import path_of
from forum.uploads.types import PDF

KIND = "resource"
CHUNK = 200
_PUBLISHED = Resource.status == ResourceStatus.PUBLISHED


def indexable_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Resource).where(_PUBLISHED)) or 0


def indexable_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Resource.id).where(_PUBLISHED).order_by(Resource.id)))


def ids_filed_under(session: Session, renamed: Renamed) -> set[int]:
    """Resources whose documents carry a renamed member's, board's, alliance's or profession's name."""
    conditions = []
    if renamed.author_ids:
        conditions.append(Resource.added_by_id.in_(sorted(renamed.author_ids)))
    if renamed.board_ids:
        conditions.append(Resource.board_id.in_(sorted(renamed.board_ids)))
    if alliance_ids := sorted(renamed.alliance_ids):
        conditions.append(Resource.alliance_id.in_(alliance_ids))
        pan_london = select(Alliance.id).where(Alliance.slug == PAN_LONDON_SLUG,
                                               Alliance.id.in_(alliance_ids))
        conditions.append(Resource.alliance_id.is_(None) & pan_london.exists())
    if profession_ids := sorted(renamed.profession_ids):
        conditions.append(Resource.id.in_(select(resource_professions.c.resource_id).where(
            resource_professions.c.profession_id.in_(profession_ids))))
    if not conditions:
        return set()
    return set(session.scalars(select(Resource.id).where(or_(*conditions))))


def resource_document(resource: Resource, pan_london: str) -> dict[str, Any]:
    """The search fields of a loaded resource (its file read here, when it is a PDF)."""
    body = [to_text(resource.body_html)] if resource.body_html else []
    if resource.upload is not None and resource.upload.content_type == PDF.mime:
        body.append(pdf_text(path_of(resource.upload)))
    alliance = resource.alliance
    tags = [KIND_LABELS[resource.kind], *(p.name for p in resource.professions),
            alliance.name if alliance else pan_london,
            resource.board.name if resource.board else "", resource.event.title if resource.event else ""]
    return {
        "title": resource.title,
        "lead": resource.description,
        "body": " \n".join(part for part in body if part),
        "author": resource.added_by.display_name if resource.added_by else "",
        "author_id": str(resource.added_by_id or 0),
        "alliance": "0" if is_pan_london(alliance) else str(resource.alliance_id),
        "professions": " ".join(str(p.id) for p in resource.professions),
        "tags": " \n".join(tag for tag in tags if tag),
        "created": resource.published_at or resource.created_at,
        "audience": "public" if resource.is_public else "members",
    }


def documents_for(session: Session, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Fields of the published resources among `ids` (a fixed number of queries per chunk)."""
    ids = sorted(set(ids))
    pan_london = session.scalar(select(Alliance.name).where(Alliance.slug == PAN_LONDON_SLUG)) or ""
    docs: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.scalars(select(Resource).where(Resource.id.in_(ids[start:start + CHUNK]),
                                                      _PUBLISHED).options(
            joinedload(Resource.alliance), joinedload(Resource.board), joinedload(Resource.event),
            joinedload(Resource.upload), joinedload(Resource.added_by),
            selectinload(Resource.professions))).unique()
        for resource in rows:
            docs[resource.id] = resource_document(resource, pan_london)
    return docs


def _visible(stmt, viewer: Any, filters: Any):
    """The library's own rule, then the search's alliance, profession, author and date filters."""
    stmt = stmt.where(readable(viewer))
    if filters.alliance_id is not None:
        if filters.alliance_id == 0:
            stmt = stmt.where(or_(Resource.alliance_id.is_(None), Resource.alliance_id.in_(
                select(Alliance.id).where(Alliance.slug == PAN_LONDON_SLUG))))
        else:
            stmt = stmt.where(Resource.alliance_id == filters.alliance_id)
    if filters.profession_id is not None:
        stmt = stmt.where(Resource.id.in_(select(resource_professions.c.resource_id).where(
            resource_professions.c.profession_id == filters.profession_id)))
    if filters.author_id is not None:
        stmt = stmt.where(Resource.added_by_id == filters.author_id)
    from forum.search.visibility import _day_end, _day_start

    if filters.date_from:
        stmt = stmt.where(Resource.published_at >= _day_start(filters.date_from).replace(tzinfo=UTC))
    if filters.date_to:
        stmt = stmt.where(Resource.published_at <= _day_end(filters.date_to).replace(tzinfo=UTC))
    return stmt


def visible_ids(ids: list[int], viewer: Any, filters: Any) -> set[int]:
    return set(db.session.scalars(_visible(select(Resource.id), viewer, filters)
                                  .where(Resource.id.in_(ids))))


def load(ids: list[int], viewer: Any, filters: Any) -> dict[int, KindHit]:
    """The resources to list, through the same rule (one query)."""
    stmt = _visible(select(Resource), viewer, filters).where(Resource.id.in_(ids)).options(
        joinedload(Resource.alliance), joinedload(Resource.event), joinedload(Resource.upload))
    found: dict[int, KindHit] = {}
    for resource in db.session.scalars(stmt).unique():
        alliance = resource.alliance
        facts = [KIND_LABELS[resource.kind], PAN_LONDON_NAME if is_pan_london(alliance) else alliance.name]
        if resource.length_text:
            facts.append(resource.length_text)
        if resource.event is not None:
            facts.append(f"From: {resource.event.title}")
        found[resource.id] = KindHit(
            title=resource.title, endpoint="resources.show_resource",
            url_values={"resource_id": resource.id},
            snippet_text=" ".join(filter(None, [resource.description, to_text(resource.body_html)])),
            date=resource.published_at, date_label="Added", facts=facts,
            link_text="Open this resource", item=resource)
    return found


RESOURCES = register_kind(DocumentKind(
    key=KIND, label="Resources", noun="resource", badge="Resource", offset=GROUP_OFFSETS[KIND],
    indexable_ids=indexable_ids, indexable_count=indexable_count, documents_for=documents_for,
    load=load, visible_ids=visible_ids, ids_filed_under=ids_filed_under))
