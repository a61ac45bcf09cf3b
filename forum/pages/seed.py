"""Put the default pages in place where they are missing (never over an organiser's edit)."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.markup import render
from forum.pages.defaults import FIRST_HEADING, PAGES
from forum.pages.models import Page, PageRevision


def seed_pages() -> int:
    """Add missing pages, each with its first revision, to the session (the caller commits)."""
    have = set(db.session.scalars(select(Page.slug)))
    added = 0
    for default in PAGES:
        if default.slug in have:
            continue
        html = render(default.body, first_heading=FIRST_HEADING)
        page = Page(slug=default.slug, title=default.title, body_source=default.body,
                    body_html=html)
        db.session.add(page)
        db.session.flush()
        db.session.add(PageRevision(page_id=page.id, number=1, title=page.title,
                                    body_source=page.body_source, body_html=html))
        added += 1
    return added
