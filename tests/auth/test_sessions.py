"""Signing out ends the session on the server: a copied cookie is refused afterwards."""

from __future__ import annotations

import pytest

from forum.auth import tokens
from forum.db import utcnow
from tests import factories

NEW_PASSWORD = "a different long passphrase"
SESSION = "session"
REMEMBER = "remember_token"


def _signed_in(app, member, *, remember: bool = True):
    browser = app.test_client()
    data = {"email": member.email, "password": factories.PASSWORD}
    if remember:
        data["remember"] = "y"
    assert browser.post("/login", data=data).status_code == 302
    return browser


def _copy(app, browser, names=(SESSION, REMEMBER)):
    """Another browser holding the same cookies, as someone who copied them would."""
    copy = app.test_client()
    for name in names:
        cookie = browser.get_cookie(name, domain="forum.test")
        assert cookie is not None, name
        copy.set_cookie(name, cookie.value, domain="forum.test")
    return copy


def _is_signed_in(browser) -> bool:
    response = browser.get("/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


@pytest.mark.parametrize("copied", [(SESSION, REMEMBER), (SESSION,), (REMEMBER,)],
                         ids=["both cookies", "session cookie", "remember-me cookie"])
def test_a_copied_cookie_is_refused_once_its_browser_signs_out(app, db, copied):
    member = factories.member()
    laptop = _signed_in(app, member)
    copy = _copy(app, laptop, copied)
    assert _is_signed_in(copy), "the copy works while the session is live"

    assert laptop.post("/logout").status_code == 302

    assert not _is_signed_in(copy)
    assert not _is_signed_in(copy), "and stays refused (no remember-me cookie brings it back)"
    assert not _is_signed_in(laptop)


def test_signing_out_one_browser_leaves_the_members_other_browsers_signed_in(app, db):
    member = factories.member()
    laptop, phone = _signed_in(app, member), _signed_in(app, member)
    laptop.post("/logout")
    assert _is_signed_in(phone)


def test_sign_out_of_every_device_ends_every_session_including_this_one(app, db):
    member = factories.member()
    laptop, phone = _signed_in(app, member), _signed_in(app, member, remember=False)
    copies = [_copy(app, laptop), _copy(app, laptop, (REMEMBER,))]
    someone_else = _signed_in(app, factories.member())
    assert b'id="sign-out-everywhere-form"' in laptop.get("/account").data

    response = laptop.post("/account/sign-out-everywhere")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert b"signed out of every device" in laptop.get(response.headers["Location"]).data
    for browser in (laptop, phone, *copies):
        assert not _is_signed_in(browser)
    assert _is_signed_in(someone_else)
    assert _is_signed_in(_signed_in(app, member)), "signing in again works"


def test_sign_out_of_every_device_is_post_only_and_for_members(app, client, db):
    assert client.post("/account/sign-out-everywhere").status_code == 302  # to sign in
    browser = _signed_in(app, factories.member())
    assert browser.get("/account/sign-out-everywhere").status_code == 405
    assert _is_signed_in(browser)


def test_sign_out_of_every_device_needs_the_csrf_token(app, db, monkeypatch):
    browser = _signed_in(app, factories.member())
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert browser.post("/account/sign-out-everywhere").status_code == 400
    assert _is_signed_in(browser)


def test_a_password_reset_signs_out_every_browser(app, client, db):
    member = factories.member()
    laptop, phone = _signed_in(app, member), _signed_in(app, member)
    copy = _copy(app, phone, (REMEMBER,))
    token = tokens.make(tokens.RESET_SALT, {"id": member.id,
                                            "p": tokens.fingerprint(member.password_hash)})
    assert client.post(f"/reset-password/{token}",
                       data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    for browser in (laptop, phone, copy):
        assert not _is_signed_in(browser)


def test_a_session_ends_when_its_time_is_up(app, db):
    from forum.auth.models import MemberSession

    member = factories.member()
    laptop = _signed_in(app, member)
    for row in db.session.scalars(db.select(MemberSession)):
        row.expires_at = utcnow()
    db.session.commit()
    assert not _is_signed_in(laptop)


def test_signing_out_leaves_no_session_row_behind(app, db):
    from forum.auth.models import MemberSession

    laptop = _signed_in(app, factories.member())
    assert db.session.scalar(db.select(db.func.count()).select_from(MemberSession)) == 1
    laptop.post("/logout")
    assert db.session.scalar(db.select(db.func.count()).select_from(MemberSession)) == 0


def test_the_account_page_says_how_many_devices_are_signed_in(app, db):
    member = factories.member()
    laptop = _signed_in(app, member)
    assert b"You are signed in on 1 device (this one)" in laptop.get("/account").data
    _signed_in(app, member, remember=False)
    assert b"You are signed in on 2 devices, including this one" in laptop.get("/account").data
