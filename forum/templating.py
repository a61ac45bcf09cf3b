"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Flask, request
from markupsafe import Markup

LONDON = ZoneInfo("Europe/London")


def format_datetime(value: datetime | None) -> str:
    """'26 November 2026 at 9:05am', as NHS.UK writes dates and times."""
    if value is None:
        return ""
    when = value.astimezone(LONDON)
    hour = when.strftime("%I").lstrip("0")
    return f"{when.day} {when:%B %Y} at {hour}:{when:%M}{when.strftime('%p').lower()}"


def format_date(value: datetime | None) -> str:
    if value is None:
        return ""
    when = value.astimezone(LONDON)
    return f"{when.day} {when:%B %Y}"


def iso(value: datetime | None) -> str:
    """For <time datetime>: HTML allows at most three digits of fractions of a second."""
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else ""


def time_ago(value: datetime | None) -> str:
    """'3 hours ago' for recent activity, a date beyond a month."""
    if value is None:
        return ""
    seconds = (datetime.now(UTC) - value).total_seconds()
    if seconds < 60:
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            if unit == "day" and n > 30:
                return format_date(value)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def url_with(**changes: Any) -> str:
    """The current URL with some query arguments changed (None or "" removes one)."""
    args = dict(request.args.items(multi=True))
    multi = {k: request.args.getlist(k) for k in request.args}
    for key, value in changes.items():
        multi.pop(key, None)
        args.pop(key, None)
        if value not in (None, ""):
            multi[key] = [value]
    query = urlencode([(k, v) for k, values in multi.items() for v in values])
    return request.path + (f"?{query}" if query else "")


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural_word or word + 's')}"


ROLE_BADGES = {"moderator": "Moderator", "admin": "Organiser"}


def member_name(user: Any, href: str | None = None) -> Markup:
    """A member's name, isolated from the text around it (so a stored direction control cannot
    reorder the page), linked if `href` is given, with a badge for a moderator or organiser.

    The one place a role is shown beside a name: from `user.role`, never from the name's text.
    """
    html = Markup("<bdi>{}</bdi>").format(user.display_name)
    if href and getattr(user.status, "value", user.status) != "erased":  # no profile left
        html = Markup('<a href="{}">{}</a>').format(href, html)
    role = getattr(user.role, "value", user.role)
    if role in ROLE_BADGES:
        html += Markup(' <strong class="role-badge role-badge--{}">{}</strong>').format(
            role, ROLE_BADGES[role])
    return html


def register(app: Flask) -> None:
    app.jinja_env.filters.update(datetime=format_datetime, date=format_date, ago=time_ago, iso=iso)
    app.jinja_env.globals.update(
        url_with=url_with, plural=plural, member_name=member_name,
        has_endpoint=lambda name: name in app.view_functions,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _site() -> dict[str, Any]:
        return {"site_name": app.config["SITE_NAME"]}
