"""Asking for a reset link or a new verification link does the same work whether or not the
address has an account, so the time a response takes cannot tell a visitor who is registered
(bench/forgot_password_timing.py measures it)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from forum.members.models import Status
from forum.notify.models import OutboxMessage
from tests import factories
from tests.auth.conftest import link_in


def _statements(client, count_queries, path: str, email: str) -> list[str]:
    with count_queries() as q:
        assert client.post(path, data={"email": email}).status_code == 200
    # The same statements, whatever values they carry.
    return [re.sub(r"\s+", " ", s).strip() for s in q.statements]


@pytest.mark.parametrize("path", ["/forgot-password", "/verify/resend"])
def test_a_registered_and_an_unknown_address_take_the_same_steps(client, db, count_queries, path):
    factories.member(email="active@nhs.net")
    factories.member(email="waiting@nhs.net", status=Status.PENDING, email_verified_at=None)
    factories.member(email="turned.away@nhs.net", status=Status.REJECTED)
    unknown = _statements(client, count_queries, path, "nobody@nhs.net")
    assert any(s.startswith("INSERT") for s in unknown), "the unknown path writes too"
    for email in ("active@nhs.net", "waiting@nhs.net", "turned.away@nhs.net", "ACTIVE@nhs.net"):
        assert _statements(client, count_queries, path, email) == unknown, email


def test_the_reset_email_is_still_sent_to_a_member_and_to_no_one_else(
        client, db, smtp_server, deliver):
    user = factories.member(email="active@nhs.net")
    factories.member(email="turned.away@nhs.net", status=Status.REJECTED)
    for email in ("Active@nhs.net", "nobody@nhs.net", "turned.away@nhs.net"):
        client.post("/forgot-password", data={"email": email})
    deliver()
    assert [m["To"] for m in smtp_server.wait_for(1)] == [user.email]
    assert link_in(smtp_server.to(user.email)[0], "/reset-password/")
    assert not db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.processed_at.is_(None))).all(), "nothing is left waiting"


def test_the_reset_link_is_built_without_a_request_as_the_worker_does(
        app, client, db, smtp_server, deliver, monkeypatch):
    """The outbox worker has no request and production sets no SERVER_NAME: links use BASE_URL."""
    user = factories.member()
    client.post("/forgot-password", data={"email": user.email})
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    monkeypatch.setitem(app.config, "BASE_URL", "https://cop.example.nhs.uk/forum")
    deliver()
    body = smtp_server.wait_for(1)[0].get_content()
    assert "https://cop.example.nhs.uk/forum/reset-password/" in body
