"""Fixtures for the QI write-up tests: an author, a co-author, an outsider, a write-up."""

from __future__ import annotations

import pytest

from forum.qi import services
from tests import factories as f


@pytest.fixture
def author(db):
    return f.member(display_name="Amara Okafor")


@pytest.fixture
def outsider(db):
    return f.member(display_name="Olu Outsider")


@pytest.fixture
def writeup(author):
    return services.start_writeup(author, title="HNAs at cancer care reviews",
                                  summary="We offered holistic needs assessments.")


@pytest.fixture
def published(author, writeup):
    return services.publish_writeup(author, writeup)
