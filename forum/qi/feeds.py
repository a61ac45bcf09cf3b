"""The Atom feed of QI write-ups (/feeds/qi): published, public, not hidden.

Read as a visitor through `policy.visible_writeups`, so drafts, hidden write-ups and
members-only ones never appear. One statement (authors, alliance and professions joined or
selected in), whatever the feed's length.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from forum.extensions import db
from forum.feeds.registry import Entry, Feed, absolute, tag
from forum.qi import policy
from forum.qi.models import WriteUp

FEED_LENGTH = 30


def _entry(writeup: WriteUp) -> Entry:
    published = writeup.published_at or writeup.created_at
    return Entry(
        id=tag(f"qi/{writeup.id}"), title=writeup.title,
        link=absolute("qi.show_writeup", writeup_id=writeup.id),
        published=published, updated=max(published, writeup.updated_at),
        author=writeup.author.display_name, content_html=writeup.summary_html or None,
        summary=None if writeup.summary_html else "Open the write-up to read it.",
        categories=tuple(p.name for p in writeup.professions))


def qi_feed(slug: str | None) -> Feed | None:
    if slug is not None:
        return None
    rows = db.session.scalars(
        policy.visible_writeups(select(WriteUp), None)
        .options(joinedload(WriteUp.author), selectinload(WriteUp.professions))
        .order_by(WriteUp.published_at.desc(), WriteUp.id.desc()).limit(FEED_LENGTH))
    site = current_app.config["SITE_NAME"]
    return Feed(id=tag("feed/qi"), title=f"QI projects – {site}", link=absolute("qi.index"),
                subtitle=f"Quality-improvement write-ups anyone can read on {site}.",
                entries=[_entry(w) for w in rows])
