"""Search: a Whoosh index fed from the outbox, read through one permission-aware service.

    from forum.search import search
    results = search("lymphoedema clinic", viewer=current_user, filters={"sort": "newest"})

Only this package imports Whoosh.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from forum.search.queries import Filters, SearchResults

log = logging.getLogger(__name__)

__all__ = ["init_app", "search", "sync"]


def search(query: str, *, viewer: Any, filters: Filters | dict | None = None, page: int = 1,
           per_page: int = 20) -> SearchResults:
    """Search what `viewer` may read, grouped by discussion, in rank order, with the total."""
    from forum.search.queries import search as run

    return run(query, viewer=viewer, filters=filters, page=page, per_page=per_page)


def sync() -> int:
    """Apply every pending search outbox row now (the tests' and `flask search sync`'s way)."""
    from forum.search.indexer import sync as run

    return run()


def init_app(app: Flask) -> None:
    """Register the outbox handler and the document kinds, and make sure an index exists."""
    from forum import outbox
    from forum.search import kinds
    from forum.search.indexer import IndexBusy, ensure_index, handle_outbox

    kinds.discover()  # every forum/<domain>/search_kind.py registers its kind
    outbox.register_handler("search", handle_outbox)
    with app.app_context():
        try:
            ensure_index()
        except (IndexBusy, OSError) as error:  # the first search or write creates it instead
            log.warning("Search index not ready at start-up: %s", error)
