"""Atom feeds (/feeds/...): new public discussions for every public board, alliance and
profession, and one for the whole site.

A feed is read by a feed reader that never signs in, so everything here is what a visitor
may see: members-only content never appears. Other domains add their own feeds without
touching this package: a QI write-ups or events package registers a source when its
blueprint is registered, e.g. in its views module::

    from forum.feeds.registry import Entry, Feed, register_feed

    @bp.record_once
    def _feeds(state) -> None:
        register_feed(state.app, "qi", qi_feed)   # served at /feeds/qi and /feeds/qi/<slug>

where `qi_feed(slug: str | None) -> Feed | None` returns None for "no such feed" (a 404),
and builds its entries only from what an anonymous visitor may read.
"""
