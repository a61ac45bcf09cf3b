"""Fixtures shared by the moderation tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def sync(app, db, tmp_path):
    """A new, empty search index for this test, and the function that applies the outbox."""
    from forum import search
    from forum.search import indexer

    old = app.config["SEARCH_DIR"]
    app.config["SEARCH_DIR"] = str(tmp_path / "search_index")
    indexer.ensure_index()
    yield search.sync
    app.config["SEARCH_DIR"] = old
