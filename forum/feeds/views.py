"""GET /feeds/<kind>[/<slug>]: an Atom feed, conditional and cacheable.

The view never looks at who is signed in: a feed is the same for everyone (what a visitor
may read), so it can be cached publicly and answered with 304 when unchanged.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request
from werkzeug.wrappers import Response

from forum.discussions.queries import valid_slug
from forum.errors import NotFound
from forum.feeds import atom, discussions
from forum.feeds.registry import absolute, source_for

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

MAX_AGE = 300  # seconds a reader or proxy may keep a feed before asking again


@bp.record_once
def _builtin_feeds(state) -> None:
    discussions.register(state.app)


@bp.get("/<kind>", defaults={"slug": None})
@bp.get("/<kind>/<slug>")
def show_feed(kind: str, slug: str | None) -> Response:
    source = source_for(kind) if valid_slug(kind) else None
    if source is None or (slug is not None and not valid_slug(slug)):
        raise NotFound("No such feed.")
    feed = source(slug)
    if feed is None:
        raise NotFound("No such feed.")
    body = atom.render(feed, self_url=absolute("feeds.show_feed", kind=kind, slug=slug),
                       site_name=current_app.config["SITE_NAME"])
    response = Response(body, mimetype="application/atom+xml")
    response.set_etag(atom.etag(body))
    response.last_modified = atom.updated(feed)
    if request.cookies:
        # A browser's session cookie may be refreshed on this answer: a shared cache must
        # never keep (and hand on) that, so only the browser itself may keep it.
        response.cache_control.private = True
    else:  # a feed reader: anyone may keep it
        response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response.make_conditional(request)
