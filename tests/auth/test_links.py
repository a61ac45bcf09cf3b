"""Verification and reset links: forged, expired, reused or swapped links are refused plainly."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from forum.auth import tokens
from forum.members.models import Status, User
from tests import factories
from tests.auth.conftest import STRONG, link_in

NEW_PASSWORD = "marmalade lantern orbit puzzle"


def _registered(client, registration, smtp_server, deliver, email="amara.okafor@nhs.net"):
    client.post("/register", data=registration(email=email))
    deliver()
    return link_in(smtp_server.to(email)[-1], "/verify/")


def _reset_link(client, smtp_server, deliver, email: str) -> str:
    client.post("/forgot-password", data={"email": email})
    deliver()
    return link_in(smtp_server.to(email)[-1], "/reset-password/")


def _old_token(app, salt: str, token: str, days: int = 30) -> str:
    """The same payload, signed as if `days` ago."""

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - days * 86400

    payload = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt).loads(token)
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt, signer=Earlier).dumps(payload)


def _is_refused(response) -> bool:
    return response.status_code == 400 and b"This link does not work" in response.data


# --- verification --------------------------------------------------------------------------

def test_forged_verification_link_is_refused_with_a_way_to_ask_again(
        client, db, registration, smtp_server, deliver):
    path = _registered(client, registration, smtp_server, deliver)
    forged = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    for response in (client.get(forged), client.post(forged)):
        assert _is_refused(response)
        assert b'href="/verify/resend"' in response.data
    assert db.session.scalars(select(User)).one().email_verified_at is None


def test_verification_link_signed_with_another_key_is_refused(client, db):
    user = factories.member(status=Status.PENDING, email_verified_at=None)
    token = URLSafeTimedSerializer("not-our-secret", salt=tokens.VERIFY_SALT).dumps({"id": user.id})
    assert _is_refused(client.post(f"/verify/{token}"))


def test_expired_verification_link_is_refused(app, client, db, registration, smtp_server, deliver):
    path = _registered(client, registration, smtp_server, deliver)
    old = _old_token(app, tokens.VERIFY_SALT, path.rsplit("/", 1)[1], days=3)
    assert _is_refused(client.get(f"/verify/{old}"))
    assert _is_refused(client.post(f"/verify/{old}"))
    assert db.session.scalars(select(User)).one().status == Status.PENDING
    # The same link, freshly signed, still works: only its age was wrong.
    assert client.post(path).status_code == 200


def test_reused_verification_link_is_refused(client, db, registration, smtp_server, deliver):
    path = _registered(client, registration, smtp_server, deliver)
    assert client.post(path).status_code == 200
    assert _is_refused(client.get(path))
    assert _is_refused(client.post(path))


def test_reset_link_is_not_a_verification_link(client, db, smtp_server, deliver):
    user = factories.member(status=Status.PENDING, email_verified_at=None)
    reset = _reset_link(client, smtp_server, deliver, user.email)
    token = reset.rsplit("/", 1)[1]
    assert _is_refused(client.post(f"/verify/{token}"))


def test_resend_sends_a_new_link_that_works(client, db, registration, smtp_server, deliver):
    _registered(client, registration, smtp_server, deliver)
    response = client.post("/verify/resend", data={"email": "AMARA.okafor@nhs.net"})
    assert b"Check your email" in response.data
    deliver()
    assert len(smtp_server.to("amara.okafor@nhs.net")) == 2
    path = link_in(smtp_server.to("amara.okafor@nhs.net")[-1], "/verify/")
    assert b"Your account is ready" in client.post(path).data


@pytest.mark.parametrize("email", ["nobody@nhs.net", "active@nhs.net"])
def test_resend_for_unknown_or_verified_address_looks_the_same_and_sends_nothing(
        client, db, smtp_server, deliver, email):
    factories.member(email="active@nhs.net")
    response = client.post("/verify/resend", data={"email": email})
    assert response.status_code == 200
    assert b"Check your email" in response.data
    deliver()
    assert smtp_server.messages == []


# --- password reset ------------------------------------------------------------------------

def test_reset_changes_the_password_once(client, db, smtp_server, deliver, auth):
    user = factories.member()
    path = _reset_link(client, smtp_server, deliver, user.email)
    assert b'id="reset-password-form"' in client.get(path).data
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert auth.login(user.email, factories.PASSWORD).status_code == 200  # old one refused
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302
    deliver()
    assert "password has been changed" in smtp_server.to(user.email)[-1]["Subject"]


def test_reused_reset_link_is_refused(client, db, smtp_server, deliver):
    user = factories.member()
    path = _reset_link(client, smtp_server, deliver, user.email)
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert _is_refused(client.get(path))
    again = client.post(path, data={"password": "another fine phrase", "confirm": "another fine phrase"})
    assert _is_refused(again)
    assert b'href="/forgot-password"' in again.data


def test_expired_reset_link_is_refused(app, client, db, smtp_server, deliver):
    user = factories.member()
    path = _reset_link(client, smtp_server, deliver, user.email)
    old = _old_token(app, tokens.RESET_SALT, path.rsplit("/", 1)[1], days=1)
    assert _is_refused(client.get(f"/reset-password/{old}"))
    assert _is_refused(client.post(f"/reset-password/{old}",
                                   data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}))
    db.session.refresh(user)
    assert user.password_hash == factories._HASH


def test_forged_reset_link_is_refused(client, db, smtp_server, deliver):
    user = factories.member()
    path = _reset_link(client, smtp_server, deliver, user.email)
    head, _, signature = path.rpartition(".")
    assert _is_refused(client.get(f"{head}.{signature[::-1]}"))
    assert _is_refused(client.get("/reset-password/" + "x" * 5000))


def test_verification_link_is_not_a_reset_link(client, db, registration, smtp_server, deliver):
    path = _registered(client, registration, smtp_server, deliver)
    token = path.rsplit("/", 1)[1]
    assert _is_refused(client.get(f"/reset-password/{token}"))


def test_weak_new_password_is_refused_beside_the_field(client, db, smtp_server, deliver):
    user = factories.member()
    path = _reset_link(client, smtp_server, deliver, user.email)
    response = client.post(path, data={"password": "qwertyuiop", "confirm": "qwertyuiop"})
    assert response.status_code == 200
    assert b'id="password-error"' in response.data
    assert b"too easy to guess" in response.data
    # The link still works after a refused attempt.
    assert client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302


def test_forgot_password_looks_the_same_for_unknown_addresses(client, db, smtp_server, deliver):
    user = factories.member(email="known@nhs.net")
    known = client.post("/forgot-password", data={"email": user.email})
    unknown = client.post("/forgot-password", data={"email": "nobody@nhs.net"})
    assert (known.data.replace(b"known@nhs.net", b"X")
            == unknown.data.replace(b"nobody@nhs.net", b"X"))
    deliver()
    assert [m["To"] for m in smtp_server.messages] == ["known@nhs.net"]


def test_password_reset_email_links_to_base_url(client, db, smtp_server, deliver):
    user = factories.member()
    client.post("/forgot-password", data={"email": user.email})
    deliver()
    assert "http://forum.test/reset-password/" in smtp_server.messages[0].get_content()
    assert STRONG not in smtp_server.messages[0].get_content()
