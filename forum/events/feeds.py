"""The Atom feed of events (/feeds/events): published, upcoming and public.

Read as a visitor through `policy.visible_events`; drafts, cancelled, past and members-only
events never appear. One statement, whatever the feed's length.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from forum.db import utcnow
from forum.events import london, policy
from forum.events.models import Event, EventStatus
from forum.extensions import db
from forum.feeds.registry import Entry, Feed, absolute, tag

FEED_LENGTH = 50


def _entry(event: Event, site: str) -> Entry:
    published = event.published_at or event.created_at
    when = london.show_span(event.starts_at, event.ends_at)
    return Entry(
        id=tag(f"event/{event.id}"), title=f"{event.title} ({when})",
        link=absolute("events.show_event", event_id=event.id),
        published=published, updated=max(published, event.updated_at),
        author=event.created_by.display_name if event.created_by else site,
        content_html=event.description_html or None,
        summary=None if event.description_html else when,
        categories=tuple(p.name for p in event.professions))


def events_feed(slug: str | None) -> Feed | None:
    if slug is not None:
        return None
    rows = db.session.scalars(
        policy.visible_events(select(Event), None)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at >= utcnow())
        .options(joinedload(Event.created_by), selectinload(Event.professions))
        .order_by(Event.starts_at, Event.id).limit(FEED_LENGTH))
    site = current_app.config["SITE_NAME"]
    return Feed(id=tag("feed/events"), title=f"Events – {site}", link=absolute("events.index"),
                subtitle=f"Upcoming events anyone can join on {site}.",
                entries=[_entry(e, site) for e in rows])
