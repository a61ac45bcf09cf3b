"""Markers and the figures list shared by the test folders (always imported as tests.markers,
so every folder sees one list)."""

from __future__ import annotations

import os

import pytest

# Checks whose outcome cannot depend on the database (page markup, styles, accessibility, pure
# text processing) run once: CI's PostgreSQL passes leave them to the SQLite passes, which keeps
# the suite's time down (FORUM_BROWSER_ALL=1 runs them on PostgreSQL too).
same_on_every_database = pytest.mark.skipif(
    bool(os.environ.get("FORUM_TEST_DATABASE_URL")) and not os.environ.get("FORUM_BROWSER_ALL"),
    reason="does not depend on the database; runs in the SQLite pass "
           "(FORUM_BROWSER_ALL=1 runs it here too)")

FIGURES: list[str] = []  # figures to report at the end of the run (and in artifacts/)
