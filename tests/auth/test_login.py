"""Signing in and out: generic errors, account states, safe redirects, remember me, rate limits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum.db import utcnow
from forum.members.models import Status
from tests import factories
from tests.conftest import rate_limited_app

GENERIC = b"Enter a correct email address and password"


def test_sign_in_goes_home_and_records_the_time(client, db, auth):
    user = factories.member()
    response = auth.login(user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with client.session_transaction() as session:
        assert session["_user_id"] == user.get_id()
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_email_is_matched_in_any_letter_case(client, db, auth):
    user = factories.member(email="Amara.Okafor@nhs.net")
    assert auth.login("  amara.OKAFOR@NHS.net ").status_code == 302
    with client.session_transaction() as session:
        assert session["_user_id"] == user.get_id()


def test_wrong_password_and_unknown_address_get_the_same_message(client, db, auth):
    factories.member(email="known@nhs.net")
    wrong_password = auth.login("known@nhs.net", "not the right password")
    unknown = auth.login("nobody@nhs.net", "not the right password")
    assert wrong_password.status_code == unknown.status_code == 200
    assert GENERIC in wrong_password.data and GENERIC in unknown.data
    assert (wrong_password.data.replace(b"known@nhs.net", b"X")
            == unknown.data.replace(b"nobody@nhs.net", b"X"))
    assert b'id="email-error"' in unknown.data
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_empty_form_asks_for_both_fields(client, db):
    response = client.post("/login", data={})
    assert b"Enter your email address" in response.data
    assert b"Enter your password" in response.data


def test_unverified_member_is_told_to_confirm_and_offered_a_new_link(client, db, auth):
    user = factories.member(status=Status.PENDING, email_verified_at=None)
    response = auth.login(user.email)
    assert response.status_code == 200
    assert b"confirm your email address" in response.data
    assert b'href="/verify/resend"' in response.data
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_unverified_member_with_wrong_password_gets_only_the_generic_message(client, db, auth):
    user = factories.member(status=Status.PENDING, email_verified_at=None)
    response = auth.login(user.email, "not the right password")
    assert GENERIC in response.data
    assert b"confirm your email address" not in response.data


def test_member_waiting_for_approval_is_told_so(client, db, auth):
    user = factories.applicant()
    response = auth.login(user.email)
    assert b"waiting for a moderator" in response.data
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_rejected_member_cannot_sign_in(client, db, auth):
    user = factories.member(status=Status.REJECTED)
    response = auth.login(user.email)
    assert b"was not approved" in response.data
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_suspended_member_signs_in_and_is_told_why_and_until_when(client, db, auth):
    until = utcnow() + timedelta(days=7)
    user = factories.member(status=Status.SUSPENDED, suspended_until=until,
                            suspension_reason="Shared a patient's details.")
    response = auth.login(user.email, follow=True)
    assert response.status_code == 200
    page = response.data.decode()
    assert "Your account is suspended until" in page
    assert str(until.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London")).year) in page
    assert "Shared a patient&#39;s details." in page
    with client.session_transaction() as session:
        assert session["_user_id"] == user.get_id()


def test_next_is_followed_when_it_is_a_local_path(client, db):
    user = factories.member()
    response = client.post("/login?next=/members/approvals",
                           data={"email": user.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/members/approvals"
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                           "next": "/threads/4?view=flat"})
    assert response.headers["Location"] == "/threads/4?view=flat"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
    "http:/evil.example", "\\\\evil.example", "%2F%2Fevil.example",
])
def test_unsafe_next_is_ignored(client, db, target):
    user = factories.member()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                           "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_page_keeps_a_safe_next_in_the_form(client, db):
    page = client.get("/login?next=/members/3").data
    assert b'value="/members/3"' in page
    assert b"evil" not in client.get("/login?next=//evil.example/").data


def test_visitor_sent_to_sign_in_comes_back(client, db):
    user = factories.member()
    redirect = client.get(f"/members/{user.id}")
    assert redirect.status_code == 302
    login_url = redirect.headers["Location"]
    assert login_url.startswith("/login?next=")
    response = client.post(login_url, data={"email": user.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == f"/members/{user.id}"


def test_remember_me_sets_the_remember_cookie(client, db):
    user = factories.member()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                           "remember": "y"})
    assert response.status_code == 302
    assert client.get_cookie("remember_token", domain="forum.test") is not None
    cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert "HttpOnly" in cookie[0]


def test_without_remember_me_there_is_no_remember_cookie(client, db):
    user = factories.member()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert client.get_cookie("remember_token", domain="forum.test") is None


def test_logout_is_post_only(client, db, auth):
    user = factories.member()
    auth.login(user.email)
    assert client.get("/logout").status_code == 405
    with client.session_transaction() as session:
        assert session["_user_id"] == user.get_id()
    response = auth.logout()
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_logout_forgets_the_remember_cookie(client, db):
    user = factories.member()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                "remember": "y"})
    client.post("/logout")
    assert client.get_cookie("remember_token", domain="forum.test") is None


def test_signed_in_member_visiting_login_is_sent_on(client, db, auth):
    auth.login(factories.member().email)
    assert client.get("/login").status_code == 302


@pytest.fixture
def limited_app(app, database_url, tmp_path):
    with rate_limited_app(app, database_url, tmp_path, AUTH_RATE_LIMIT="3 per minute") as fresh:
        yield fresh


@pytest.mark.parametrize(("path", "data"), [
    ("/login", {"email": "nobody@nhs.net", "password": "wrong password here"}),
    ("/register", {"email": "nobody@nhs.net"}),
    ("/forgot-password", {"email": "nobody@nhs.net"}),
    ("/verify/resend", {"email": "nobody@nhs.net"}),
])
def test_too_many_attempts_get_the_429_page(db, limited_app, path, data):
    client = limited_app.test_client()
    statuses = [client.post(path, data=data).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = client.post(path, data=data)
    assert response.status_code == 429
    assert b"Too many attempts" in response.data
    assert client.get(path).status_code == 200  # reading the form is never limited


def test_forms_carry_a_csrf_token_and_posts_without_one_are_refused(app, client, db, monkeypatch):
    import re

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = factories.member()
    refused = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert refused.status_code == 400
    page = client.get("/login").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                           "csrf_token": token})
    assert accepted.status_code == 302
    assert client.post("/logout").status_code == 400  # signing out needs the token too


def test_guessing_the_current_password_from_a_signed_in_session_is_rate_limited(db, limited_app):
    user = factories.member()
    client = limited_app.test_client()
    factories.sign_in(client, user)
    data = {"current_password": "a wrong guess here", "password": "new long passphrase 7",
            "confirm": "new long passphrase 7"}
    statuses = [client.post("/account/password", data=data).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
