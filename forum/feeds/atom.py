"""A Feed as Atom XML, written by feedgen (it escapes, orders and formats for us)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from forum.feeds.registry import Feed

# An empty feed still needs an <updated>; a fixed one keeps its body (and ETag) stable.
EMPTY_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)
# Characters XML 1.0 cannot hold (lxml refuses them): dropped rather than a 500.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def updated(feed: Feed) -> datetime:
    """When the feed last changed: its newest entry's update."""
    return max((e.updated for e in feed.entries), default=EMPTY_UPDATED).astimezone(UTC)


def render(feed: Feed, *, self_url: str, site_name: str) -> bytes:
    generator = FeedGenerator()
    generator.id(feed.id)
    generator.title(_clean(feed.title))
    if feed.subtitle:
        generator.subtitle(_clean(feed.subtitle))
    generator.link(href=self_url, rel="self", type="application/atom+xml")
    generator.link(href=feed.link, rel="alternate", type="text/html")
    generator.language("en-GB")
    generator.updated(updated(feed))
    generator.author(name=site_name)  # entries name their own authors
    generator.generator(site_name)  # no library name and version in what we publish
    for item in feed.entries:
        entry = generator.add_entry(order="append")
        entry.id(item.id)
        entry.title(_clean(item.title))
        entry.link(href=item.link, rel="alternate", type="text/html")
        entry.published(item.published.astimezone(UTC))
        entry.updated(item.updated.astimezone(UTC))
        entry.author(name=_clean(item.author))
        for term in item.categories:
            entry.category(term=_clean(term))
        if item.summary:
            entry.summary(_clean(item.summary))
        if item.content_html:
            entry.content(_clean(item.content_html), type="html")
    return generator.atom_str(pretty=False)


def etag(body: bytes) -> str:
    """Changes exactly when the bytes do (a hidden thread leaving a feed included)."""
    return hashlib.sha256(body).hexdigest()[:32]
