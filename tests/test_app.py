"""The application shell: headers, errors, and safe redirects."""

import pytest

from forum.urls import safe_next


def test_every_response_carries_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_unknown_page_is_a_plain_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b"Traceback" not in response.data


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
    "evil.example", "/\x00/x", "\\\\evil.example",
])
def test_unsafe_next_is_ignored(target):
    assert safe_next(target, "/home") == "/home"


def test_relative_next_is_kept():
    assert safe_next("/threads/4?view=flat", "/") == "/threads/4?view=flat"


@pytest.mark.parametrize("path", [
    "/members/{n}", "/threads/{n}", "/posts/{n}/history", "/moderation/members/{n}",
    "/members/approvals/{n}/approve",
])
def test_an_id_too_large_for_the_database_is_not_found(client, path):
    from tests.factories import moderator, sign_in

    sign_in(client, moderator())
    for n in (2**31, 2**70):
        method = client.post if path.endswith("approve") else client.get
        response = method(path.format(n=n))
        assert response.status_code == 404, (path, n)


@pytest.mark.parametrize(("env", "secure"), [
    ({}, False),
    ({"FORUM_BASE_URL": "https://cancercop.example"}, True),
    ({"FORUM_BASE_URL": "https://cancercop.example", "FORUM_HTTPS": "0"}, False),
    ({"FORUM_HTTPS": "1"}, True),
])
def test_cookies_are_secure_when_the_site_is_served_over_https(monkeypatch, env, secure):
    from forum import config

    for name in ("FORUM_BASE_URL", "FORUM_HTTPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = config.load({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert settings["SESSION_COOKIE_SECURE"] is secure
    assert settings["REMEMBER_COOKIE_SECURE"] is secure


def test_generated_secret_key_is_never_replaced_once_written(tmp_path, monkeypatch):
    """Workers starting together: whoever writes first wins, and every worker reads that key."""
    from pathlib import Path

    from forum import config

    monkeypatch.setattr(config, "INSTANCE", tmp_path)
    monkeypatch.delenv("FORUM_SECRET_KEY", raising=False)
    first = config._secret_key()
    assert len(first) > 40 and (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    # Another worker that looked a moment before the file existed must still not replace it.
    monkeypatch.setattr(Path, "exists", lambda self: False)
    assert config._secret_key() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]
