"""Settings: safe defaults, then FORUM_* environment variables, then a test mapping."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(raw: str | None) -> str:
    """Accept the usual postgres:// spellings and point them at psycopg 3."""
    if not raw:
        INSTANCE.mkdir(exist_ok=True)
        return f"sqlite:///{INSTANCE / 'forum.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def _secret_key() -> str:
    """A stable key for the demo, so restarts keep people signed in; production sets one."""
    if key := os.environ.get("FORUM_SECRET_KEY"):
        return key
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    if path.exists():  # the usual case; also works on a read-only instance folder
        return path.read_text().strip()
    # Several gunicorn workers may start at once: write a whole key aside, then link it into
    # place, which fails if another worker got there first, so every worker reads one key.
    spare = INSTANCE / f".secret_key.{os.getpid()}"
    fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    try:
        os.link(spare, path)
    except FileExistsError:
        pass
    finally:
        spare.unlink()
    return path.read_text().strip()


def load(test_config: dict[str, Any] | None = None) -> dict[str, Any]:
    env = os.environ.get
    smtp_host = env("FORUM_SMTP_HOST")
    base_url = env("FORUM_BASE_URL", "http://127.0.0.1:5000")
    # Secure cookies whenever the site is served over HTTPS, even if FORUM_HTTPS is forgotten.
    https = _bool(env("FORUM_HTTPS"), default=base_url.lower().startswith("https://"))
    config: dict[str, Any] = {
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": None,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SEARCH_DIR": env("FORUM_SEARCH_DIR", str(ROOT / "search_index")),
        # Uploaded files (QI attachments, resources, CPD evidence): never under static/.
        "UPLOAD_DIR": env("FORUM_UPLOAD_DIR", str(INSTANCE / "uploads")),
        "SITE_NAME": env("FORUM_SITE_NAME", "Cancer CoP"),
        "BASE_URL": base_url,
        # Mail: with no SMTP host, messages are printed to the console (the demo).
        "MAIL_BACKEND": "smtp" if smtp_host else "console",
        "SMTP_HOST": smtp_host or "localhost",
        "SMTP_PORT": int(env("FORUM_SMTP_PORT", "25")),
        "SMTP_USER": env("FORUM_SMTP_USER"),
        "SMTP_PASSWORD": env("FORUM_SMTP_PASSWORD"),
        "SMTP_STARTTLS": _bool(env("FORUM_SMTP_STARTTLS")),
        "MAIL_FROM": env("FORUM_MAIL_FROM", "Cancer CoP <no-reply@cancercop.example>"),
        "APPROVED_EMAIL_DOMAINS": [
            d.strip().lower()
            for d in env("FORUM_APPROVED_DOMAINS", "nhs.net,nhs.uk").split(",")
            if d.strip()
        ],
        "VERIFY_TOKEN_MAX_AGE": int(env("FORUM_VERIFY_TOKEN_HOURS", "48")) * 3600,
        "RESET_TOKEN_MAX_AGE": int(env("FORUM_RESET_TOKEN_MINUTES", "60")) * 60,
        "PASSWORD_MIN_LENGTH": 10,
        "PREMODERATE_FIRST_POSTS": int(env("FORUM_PREMODERATE_FIRST_POSTS", "2")),
        # The trust's hospital-number formats for the patient-data guard, one regular
        # expression per line; None keeps the built-in ones (MRN, "hospital no" + digits).
        "PID_HOSPITAL_NUMBER_PATTERNS": [
            p.strip() for p in env("FORUM_PID_HOSPITAL_PATTERNS", "").splitlines() if p.strip()
        ] or None,
        "THREADS_PER_PAGE": 25,
        "POSTS_PER_PAGE": 50,
        # Background work (email, search index) in a thread of this process: the demo's way.
        "INPROCESS_WORKER": _bool(env("FORUM_INPROCESS_WORKER"), default=False),
        # How long a deliverer's claim on outbox rows lasts (renewed as each email goes):
        # a killed deliverer's unsent rows wait this long before another takes them.
        "OUTBOX_LEASE_SECONDS": int(env("FORUM_OUTBOX_LEASE_SECONDS", "300")),
        "RATELIMIT_STORAGE_URI": env("FORUM_REDIS_URL", "memory://"),
        "RATELIMIT_ENABLED": _bool(env("FORUM_RATELIMIT"), default=True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "AUTH_RATE_LIMIT": env("FORUM_AUTH_RATE_LIMIT", "10 per minute;50 per hour"),
        # Per member: previews, and posts (new discussions, replies, edits). Each renders
        # up to 50,000 characters; no person writes this fast.
        "PREVIEW_RATE_LIMIT": env("FORUM_PREVIEW_RATE_LIMIT", "20 per minute;200 per hour"),
        "POST_RATE_LIMIT": env("FORUM_POST_RATE_LIMIT", "10 per minute;100 per hour"),
        # The @mention autocomplete asks once per keystroke pause.
        "MENTION_LOOKUP_RATE_LIMIT": env("FORUM_MENTION_LOOKUP_RATE_LIMIT",
                                         "60 per minute;600 per hour"),
        # Per member: expressions of interest in shadowing offers (each one messages a member).
        "SHADOWING_INTEREST_RATE_LIMIT": env("FORUM_SHADOWING_INTEREST_RATE_LIMIT",
                                             "10 per hour;30 per day"),
        # How long an immediate email waits for more notifications to join it.
        "NOTIFY_BATCH_SECONDS": int(env("FORUM_NOTIFY_BATCH_SECONDS", "180")),
        # The newsletter: emails a second (its sender paces itself), how long one outbox run
        # sends before handing the rest to the next, and who it comes from.
        "NEWSLETTER_RATE": float(env("FORUM_NEWSLETTER_RATE", "5")),
        "NEWSLETTER_SLICE_SECONDS": int(env("FORUM_NEWSLETTER_SLICE_SECONDS", "120")),
        "NEWSLETTER_STALE_SECONDS": int(env("FORUM_NEWSLETTER_STALE_SECONDS", "120")),
        "NEWSLETTER_FROM": env("FORUM_NEWSLETTER_FROM"),
        # Sign-ups from one address (each sends a confirmation email).
        "NEWSLETTER_SIGNUP_RATE_LIMIT": env("FORUM_NEWSLETTER_SIGNUP_RATE_LIMIT",
                                            "5 per minute;30 per hour"),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Imported attendance: people present for less than this share of an event are flagged
        # (and left out unless the organiser counts them).
        "EVENTS_SHORT_ATTENDANCE_SHARE": float(env("FORUM_EVENTS_SHORT_ATTENDANCE_SHARE", "0.5")),
        "WTF_CSRF_TIME_LIMIT": None,  # the session lifetime is the limit; no lost long posts
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "BEHIND_PROXY": _bool(env("FORUM_BEHIND_PROXY")),
        "DEMO": False,
    }
    if test_config:
        config.update(test_config)
    if not config["SQLALCHEMY_DATABASE_URI"]:
        config["SQLALCHEMY_DATABASE_URI"] = database_url(env("FORUM_DATABASE_URL"))
    else:
        config["SQLALCHEMY_DATABASE_URI"] = database_url(config["SQLALCHEMY_DATABASE_URI"])
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _secret_key()
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # One writer at a time: wait for the lock rather than fail a request.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 15}}
    return config
