"""Helpers for the sign-up and sign-in tests: fill the registration form, read links from email."""

from __future__ import annotations

import re

import pytest

from tests import factories

STRONG = "kettle sunflower ladder river"


def link_in(message, path: str) -> str:
    """The path of the first link to `path` in a plain-text email (tests use BASE_URL forum.test)."""
    match = re.search(r"http://forum\.test(" + re.escape(path) + r"\S+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


@pytest.fixture
def registration(db):
    """Valid registration form data; override any field with keyword arguments."""

    def make(**overrides) -> dict:
        data = {
            "email": "amara.okafor@nhs.net",
            "display_name": "Amara Okafor",
            "password": STRONG,
            "confirm": STRONG,
            "profession": str(factories.profession("district-or-community-nurse").id),
            "alliance": str(factories.alliance("north-east-london").id),
            "organisation": "Hackney Community Nursing",
            "accept_guidelines": "y",
        }
        data.update(overrides)
        if "password" in overrides and "confirm" not in overrides:
            data["confirm"] = overrides["password"]
        return data

    return make
