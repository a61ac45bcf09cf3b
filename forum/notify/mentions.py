"""@mentions: `@Display Name` in a post names a member when it matches exactly one.

Display names have spaces ("Amara Okafor"), so after each `@` the longest run of up to
MAX_WORDS words that is exactly one member's name (letter case aside) wins: "@Amara Okafor
thanks" mentions Amara Okafor, and "@Amara" alone mentions her only if no other member is
called Amara. Text in code is not a mention. Names are resolved again when the post is
fanned out, so a mention reaches only who it names then, and only if they can read the post.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, or_, select
from werkzeug.routing import BuildError

from forum.extensions import db
from forum.markup import link_mentions, render
from forum.members.models import Status, User

MAX_WORDS = 6
MAX_MENTIONS = 20  # a post naming more is a roll call, not a conversation
_CODE = re.compile(r"```.*?(```|\Z)|~~~.*?(~~~|\Z)|`[^`\n]*`", re.S)
_AT = re.compile(r"(?<![\w@/])@(?=\w)")
_TRAILING = ".,;:!?)]}\"'’”"


@dataclass(frozen=True)
class Mention:
    text: str  # as written, without the @
    user_id: int


def _candidates(source: str) -> list[list[str]]:
    """For each @ outside code, the texts it may stand for, longest first."""
    text = _CODE.sub(" ", source)
    found = []
    for match in _AT.finditer(text):
        line = text[match.end():].split("\n", 1)[0]
        words = line.split()[:MAX_WORDS]
        options = []
        for n in range(len(words), 0, -1):
            option = " ".join(words[:n]).rstrip(_TRAILING)
            if len(option) >= 2 and option not in options:
                options.append(option)
        if options:
            found.append(options)
        if len(found) >= MAX_MENTIONS:
            break
    return found


def find_mentions(source: str) -> list[Mention]:
    """The members `source` mentions, in order, each once (one query)."""
    groups = _candidates(source)
    texts = {option.lower() for options in groups for option in options}
    if not texts:
        return []
    by_name: dict[str, list[int]] = {}
    rows = db.session.execute(select(User.id, User.display_name).where(
        or_(func.lower(User.display_name).in_(texts), User.display_name.in_(
            {o for options in groups for o in options})),
        User.status.in_((Status.ACTIVE, Status.SUSPENDED))))
    for user_id, name in rows:
        ids = by_name.setdefault(name.casefold(), [])
        if user_id not in ids:
            ids.append(user_id)
    mentions, seen = [], set()
    for options in groups:
        for option in options:
            ids = by_name.get(option.casefold(), [])
            if len(ids) == 1:
                if ids[0] not in seen:
                    seen.add(ids[0])
                    mentions.append(Mention(option, ids[0]))
                break
            if len(ids) > 1:
                break  # ambiguous: a longer or shorter reading would name someone else
    return mentions


def render_post(source: str) -> str:
    """A post's HTML: Markdown through forum.markup, with mentions linked to profiles."""
    html = render(source)
    mentions = find_mentions(source)
    if not mentions:
        return html
    return link_mentions(html, {m.text: profile_path(m.user_id) for m in mentions})


def profile_path(user_id: int) -> str:
    try:
        return url_for("members.profile", user_id=user_id, _external=False)
    except (BuildError, RuntimeError):  # a command, without SERVER_NAME
        return f"/members/{user_id}"


def suggestions(query: str, *, limit: int = 8) -> list[dict[str, object]]:
    """Members whose names start with (or have a word starting with) `query`, for the
    autocomplete: active members only, since only they can read what mentions them."""
    query = " ".join(query.split())[:80]
    if len(query) < 1:
        return []
    escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    name = func.lower(User.display_name)
    rows = db.session.execute(
        select(User.id, User.display_name).where(
            User.status == Status.ACTIVE,
            or_(name.like(f"{escaped}%", escape="\\"), name.like(f"% {escaped}%", escape="\\")))
        .order_by(name.like(f"{escaped}%", escape="\\").desc(), User.display_name, User.id)
        .limit(limit))
    return [{"id": user_id, "name": display_name} for user_id, display_name in rows]
