"""Reads for the site's own pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.pages.defaults import PAGES, SLUGS
from forum.pages.models import Page, PageRevision

FOOTER = tuple((p.slug, p.footer_label) for p in PAGES)


def page_by_slug(slug: str) -> Page | None:
    if slug not in SLUGS:
        return None
    return db.session.scalar(select(Page).where(Page.slug == slug))


def all_pages() -> list[Page]:
    """Every page, in footer order, with who last changed it (one query)."""
    found = {p.slug: p for p in db.session.scalars(
        select(Page).options(joinedload(Page.updated_by)))}
    return [found[slug] for slug in SLUGS if slug in found]


def revisions(page: Page) -> list[PageRevision]:
    """The page's versions, newest first, with who made each (one query)."""
    return list(db.session.scalars(
        select(PageRevision).where(PageRevision.page_id == page.id)
        .options(joinedload(PageRevision.editor))
        .order_by(PageRevision.number.desc())
    ))
