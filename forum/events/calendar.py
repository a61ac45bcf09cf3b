"""iCalendar (.ics) for one event and for the feed of upcoming public events.

Times are written in UTC ("...Z"), which every calendar (Outlook, Google, Apple) shows in the
reader's own zone, so a clock change between now and the event cannot shift it. The UID is
the event's id on this site, so an updated invitation replaces the old entry (SEQUENCE says
which is newer). The joining link goes only into the copies of people with a place.
"""

from __future__ import annotations

from collections.abc import Iterable

import icalendar
from flask import current_app

from forum.db import utcnow
from forum.events.models import Event

PRODID = "-//Cancer CoP forum//Events//EN"


def _calendar(name: str | None = None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
    return cal


def uid(event: Event) -> str:
    host = current_app.config["BASE_URL"].split("//", 1)[-1].split("/", 1)[0] or "localhost"
    return f"event-{event.id}@{host}"


def site_link(endpoint: str, **values) -> str:
    """An absolute link on the site's public address; works outside a request too (cron's
    reminders, the demo's seeding), where url_for has no host to build on."""
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config["APPLICATION_ROOT"])
    return current_app.config["BASE_URL"].rstrip("/") + adapter.build(endpoint, values)


def page_link(event: Event) -> str:
    return site_link("events.show_event", event_id=event.id)


def _component(event: Event, *, with_link: bool) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", uid(event))
    item.add("dtstamp", utcnow())
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("sequence", event.sequence)
    item.add("summary", event.title)
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    item.add("url", page_link(event))
    parts = [event.description.strip()] if event.description.strip() else []  # Markdown reads as text
    if with_link and event.joining_link:
        parts.append(f"Join online: {event.joining_link}")
    parts.append(f"Details: {page_link(event)}")
    item.add("description", "\n\n".join(parts))
    where = [event.venue.strip()] if event.is_in_person and event.venue.strip() else []
    if with_link and event.is_online and event.joining_link:
        where.append(event.joining_link)
    if where:
        item.add("location", " / ".join(where))
    return item


def event_ics(event: Event, *, with_link: bool) -> str:
    cal = _calendar()
    cal.add("method", "PUBLISH")
    cal.add_component(_component(event, with_link=with_link))
    return cal.to_ical().decode()


def feed_ics(events: Iterable[Event], name: str) -> str:
    """The subscription feed: nobody is signed in to a calendar app, so never a joining link."""
    cal = _calendar(name)
    for event in events:
        cal.add_component(_component(event, with_link=False))
    return cal.to_ical().decode()


def attachment(event: Event, *, with_link: bool) -> dict:
    return {"filename": f"event-{event.id}.ics", "content_type": "text/calendar",
            "content": event_ics(event, with_link=with_link)}
