"""Pages for a signed-in member are never stored by a browser or proxy cache; public pages
for visitors stay cacheable as before."""

from __future__ import annotations

import pytest

from tests import factories

PERSONAL = [
    "/account", "/account/password", "/notifications", "/members/approvals", "/moderation/",
    "/moderation/audit", "/members/{me}", "/members/{other}", "/moderation/members/{other}",
    "/", "/discussions", "/search?q=clinic", "/threads/{thread}",
]
PUBLIC = ["/", "/alliances", "/professions", "/login", "/register", "/forgot-password"]


@pytest.fixture
def moderator_client(client, db):
    moderator = factories.moderator()
    other = factories.member()
    thread = factories.thread(other)
    factories.sign_in(client, moderator)
    client.ids = {"me": moderator.id, "other": other.id, "thread": thread.id}
    return client


@pytest.mark.parametrize("path", PERSONAL)
def test_every_page_for_a_signed_in_member_says_no_store(moderator_client, path):
    response = moderator_client.get(path.format(**moderator_client.ids))
    assert response.status_code == 200, path
    assert response.headers.get("Cache-Control") == "no-store"


def test_a_refusal_for_a_signed_in_member_is_not_stored_either(client, db):
    factories.sign_in(client, factories.member())
    response = client.get("/moderation/")
    assert response.status_code == 403
    assert response.headers.get("Cache-Control") == "no-store"


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_for_visitors_stay_cacheable(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_static_files_are_not_made_uncacheable_for_members(client, db):
    factories.sign_in(client, factories.member())
    response = client.get("/static/css/main.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
