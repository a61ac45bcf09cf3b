"""Feeds of new discussions: the whole site, each public board, each alliance and profession.

Every query here reads as a visitor (viewer None) through the policy filters the pages use,
so a members-only board, a hidden or waiting thread, or a hidden opening post never
reaches a feed. Two statements per feed (threads with their authors, then their opening
posts) plus the board, alliance or profession lookup, whatever the feed's length.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload, selectinload

from forum.community import queries as community
from forum.discussions import policy
from forum.discussions import queries as discussions
from forum.discussions.models import Post, Thread
from forum.extensions import db
from forum.feeds.registry import Entry, Feed, absolute, register_feed, tag

FEED_LENGTH = 30
NOT_SHOWN = "The opening post is not shown here. Open the discussion to read it."


def new_threads(**narrowing: Any) -> list[tuple[Thread, Post | None]]:
    """The newest discussions a visitor may see, each with its opening post if a visitor may
    read it, newest first (ids follow creation)."""
    # The newest ids first, on their own: sorting whole joined rows of every public thread
    # cost 25 ms on 10,000 threads, the ids alone 1 ms.
    newest = (discussions.narrowed_threads(None, **narrowing).with_only_columns(Thread.id)
              .order_by(Thread.id.desc()).limit(FEED_LENGTH))
    threads = list(db.session.scalars(
        select(Thread).where(Thread.id.in_(newest))
        .options(joinedload(Thread.author), joinedload(Thread.board),
                 joinedload(Thread.alliance), selectinload(Thread.professions))
        .order_by(Thread.id.desc())))
    # These threads passed thread_clause as a visitor; their opening posts need only the
    # post's own rule (post_clause would compute every visible thread again).
    openings = {post.thread_id: post for post in db.session.scalars(
        select(Post).where(Post.is_opening.is_(True), Post.thread_id.in_([t.id for t in threads]),
                           policy.post_shown_clause(None)).options(defer(Post.body_source)))}
    return [(thread, openings.get(thread.id)) for thread in threads]


def _entry(thread: Thread, opening: Post | None) -> Entry:
    changed = opening.edited_at if opening is not None and opening.edited_at else None
    return Entry(
        id=tag(f"thread/{thread.id}"),
        title=thread.title,
        link=absolute("discussions.show_thread", thread_id=thread.id),
        published=thread.created_at,
        updated=max(thread.created_at, changed) if changed else thread.created_at,
        author=thread.author.display_name,
        content_html=opening.body_html if opening is not None else None,
        summary=None if opening is not None else NOT_SHOWN,
        categories=(thread.board.name, *(p.name for p in thread.professions)),
    )


def _feed(kind: str, slug: str | None, title: str, link: str, **narrowing: Any) -> Feed:
    site = current_app.config["SITE_NAME"]
    return Feed(id=tag(f"feed/{kind}" + (f"/{slug}" if slug else "")), title=f"{title} – {site}",
                link=link, subtitle=f"New discussions anyone can read on {site}.",
                entries=[_entry(*row) for row in new_threads(**narrowing)])


def site_feed(slug: str | None) -> Feed | None:
    if slug is not None:
        return None
    return _feed("discussions", None, "New discussions", absolute("discussions.list_threads"))


def board_feed(slug: str | None) -> Feed | None:
    """A members-only board has no feed: a 404, as for a board that does not exist (a feed
    reader cannot sign in, and the feed would only ever be empty)."""
    board = discussions.board_by_slug(slug) if slug else None
    if board is None or board.members_only:
        return None
    return _feed("boards", slug, f"{board.name}: new discussions",
                 absolute("discussions.show_board", slug=board.slug), board=board)


def alliance_feed(slug: str | None) -> Feed | None:
    alliance = community.alliance_by_slug(slug) if slug else None
    if alliance is None:
        return None
    return _feed("alliances", slug, f"{alliance.name}: new public discussions",
                 absolute("community.show_alliance", slug=alliance.slug), alliance=alliance)


def profession_feed(slug: str | None) -> Feed | None:
    profession = community.profession_by_slug(slug) if slug else None
    if profession is None:
        return None
    return _feed("professions", slug, f"{profession.name}: new public discussions",
                 absolute("community.show_profession", slug=profession.slug),
                 profession=profession)


def register(app) -> None:
    for kind, source in (("discussions", site_feed), ("boards", board_feed),
                         ("alliances", alliance_feed), ("professions", profession_feed)):
        register_feed(app, kind, source)
