"""What a feed is made of, and which feeds the application serves.

Sources are registered per application (in `app.extensions`), not in a module-level dict,
so two apps in one process (tests, the worker) never share or leak each other's feeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask, current_app, url_for

# The date part of every tag: URI (RFC 4151). It must never change, or every reader would
# see every entry again as new.
TAG_DATE = "2026"


@dataclass(frozen=True)
class Entry:
    """One item of a feed. Give `content_html` (sanitised HTML: a post's body_html) or
    `summary` (plain text) or both."""

    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    author: str
    content_html: str | None = None
    summary: str | None = None
    categories: Sequence[str] = ()


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    link: str  # the page the feed follows (rel="alternate")
    subtitle: str = ""
    entries: Sequence[Entry] = field(default_factory=tuple)


FeedSource = Callable[[str | None], Feed | None]


def register_feed(app: Flask, kind: str, source: FeedSource) -> None:
    """Serve `source` at /feeds/<kind> and /feeds/<kind>/<slug>."""
    sources: dict[str, FeedSource] = app.extensions.setdefault("feeds", {})
    if kind in sources and sources[kind] is not source:
        raise ValueError(f"a feed called {kind!r} is already registered")
    sources[kind] = source


def source_for(kind: str) -> FeedSource | None:
    return current_app.extensions.get("feeds", {}).get(kind)


def absolute(endpoint: str, **values) -> str:
    """An absolute link on the site's public address (BASE_URL), as emails use."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def tag(specific: str) -> str:
    """A lasting id: tag:<site's host>,<TAG_DATE>:<specific> (RFC 4151)."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"tag:{host},{TAG_DATE}:{specific}"
