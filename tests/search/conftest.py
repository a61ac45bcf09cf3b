"""Search fixtures: a fresh index on disk for each test, and `sync` to apply the outbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from forum.search import indexer
from forum.search import search as run_search
from forum.search import sync as run_sync


@pytest.fixture
def index(app, db, tmp_path) -> Path:
    """A new, empty index for this test (the session's app points at it until the end)."""
    old = app.config["SEARCH_DIR"]
    app.config["SEARCH_DIR"] = str(tmp_path / "search_index")
    indexer.ensure_index()
    yield Path(app.config["SEARCH_DIR"])
    app.config["SEARCH_DIR"] = old


@pytest.fixture
def sync(index):
    """Apply pending search changes now: the worker's job, as the tests' stand-in clock."""
    return run_sync


def ids(results) -> list[int]:
    return [hit.post_id for hit in results.hits]


def found(query: str, viewer=None, **filters) -> list[int]:
    """Post ids of the first page, in rank order."""
    return ids(run_search(query, viewer=viewer, filters=filters or None, per_page=100))
