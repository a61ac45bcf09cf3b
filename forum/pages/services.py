"""Organisers edit the site's pages: the source is rendered by `markup.render`, both are
stored, the old version is kept, and the change is audited in the moderation audit log."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.admin.policy import require_organiser
from forum.db import utcnow
from forum.errors import InvalidInput
from forum.extensions import db
from forum.forms import clean_text
from forum.markup import render
from forum.members.models import User
from forum.moderation.services import audit
from forum.pages.defaults import FIRST_HEADING
from forum.pages.models import Page, PageRevision

TITLE_MAX = 120
BODY_MAX = 50_000


def render_page(source: str) -> str:
    """What a page's Markdown looks like on the site (for the preview and for saving)."""
    return render(source, first_heading=FIRST_HEADING)


def edit_page(actor: User, page: Page, *, title: str, body: str, reason: str = "") -> Page:
    """Save a new version of a page; nothing happens when nothing changed."""
    require_organiser(actor)
    title = str(clean_text(title or "")).strip()
    body = str(clean_text(body or "")).strip()
    if not title:
        raise InvalidInput("Enter a title", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"Title must be {TITLE_MAX} characters or fewer", field="title")
    if not body:
        raise InvalidInput("Enter the page's text", field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(f"The text must be {BODY_MAX:,} characters or fewer", field="body")
    if title == page.title and body == page.body_source.strip():
        return page
    html = render_page(body)
    number = (db.session.scalar(select(func.max(PageRevision.number))
                                .where(PageRevision.page_id == page.id)) or 0) + 1
    before = page.title if title != page.title else None
    page.title, page.body_source, page.body_html = title, body, html
    page.updated_at, page.updated_by_id = utcnow(), actor.id
    db.session.add(PageRevision(page_id=page.id, number=number, title=title, body_source=body,
                                body_html=html, editor_id=actor.id, created_at=page.updated_at))
    audit(actor, "edit_page", "page", page.id, reason=reason, before=before,
          after=f"{title} (version {number})")
    db.session.commit()
    return page
