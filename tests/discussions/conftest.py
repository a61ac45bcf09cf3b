"""Fixtures shared by the discussion tests about writing posts and drafts."""

from __future__ import annotations

import pytest

from tests import factories as f


@pytest.fixture
def member(db, client):
    """A signed-in member (test_views.py has its own of the same name)."""
    user = f.member(display_name="Asha Nurse")
    f.sign_in(client, user)
    return user


@pytest.fixture
def thread(db):
    """Someone else's discussion, for the member to reply to."""
    return f.thread(f.member(display_name="Ben Physio"), body="How do you measure arms?")
