"""Who may see and do what with QI write-ups: every rule in one place.

Views refuse with these, templates show or hide buttons with them, services refuse again,
and every listing (the /qi list, hubs, profiles, search results) goes through
`visible_writeups`. `team_ids` is the set of the write-up's team members' user ids (the
author included), passed in so a list can check many write-ups without a query each.

`viewer` is a User, Flask-Login's anonymous user, or None (a visitor).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, and_, or_, select

from forum.discussions.policy import _user, is_member, is_moderator
from forum.members.models import Role, Status
from forum.qi.models import TeamMember, WriteUp

# What forum.notify calls a follow of a write-up (Follow.target_kind).
FOLLOW_KIND = "qi"


def is_organiser(viewer: Any) -> bool:
    user = _user(viewer)
    return bool(user and user.role == Role.ADMIN and user.status == Status.ACTIVE)


def on_team(viewer: Any, writeup: WriteUp, team_ids: Collection[int]) -> bool:
    user = _user(viewer)
    return bool(user and (user.id == writeup.author_id or user.id in team_ids))


def can_read(viewer: Any, writeup: WriteUp, team_ids: Collection[int] = ()) -> bool:
    """Drafts are the team's; hidden write-ups the team's and moderators'; published ones are
    members-only unless an organiser made them public."""
    if writeup.is_hidden:
        return is_moderator(viewer) or on_team(viewer, writeup, team_ids)
    if not writeup.is_published:
        return is_member(viewer) and on_team(viewer, writeup, team_ids)
    return writeup.is_public or is_member(viewer)


def can_edit(viewer: Any, writeup: WriteUp, coauthor_ids: Collection[int] = ()) -> bool:
    """The author and the co-authors (team members marked as such), while active members."""
    user = _user(viewer)
    if not (user and is_member(viewer)):
        return False
    return user.id == writeup.author_id or user.id in coauthor_ids


def can_create(viewer: Any) -> bool:
    return is_member(viewer)


def can_make_public(viewer: Any) -> bool:
    return is_organiser(viewer)


def can_moderate(viewer: Any) -> bool:
    return is_moderator(viewer)


def can_replicate(viewer: Any, writeup: WriteUp) -> bool:
    return is_member(viewer) and writeup.is_published and not writeup.is_hidden


def visible_writeups(stmt: Select, viewer: Any) -> Select:
    """Narrow a select of WriteUp to what this viewer may see in a listing: published and
    not hidden (members-only ones for members); a team's own drafts are listed only where a
    page asks for them (`own_writeups`)."""
    stmt = stmt.where(WriteUp.published_at.is_not(None), WriteUp.hidden_at.is_(None))
    if not is_member(viewer):
        stmt = stmt.where(WriteUp.is_public.is_(True))
    return stmt


def own_writeups(stmt: Select, viewer: Any) -> Select:
    """Narrow a select of WriteUp to those this viewer started or is on the team of."""
    user = _user(viewer)
    if user is None:
        return stmt.where(False)
    team = select(TeamMember.writeup_id).where(TeamMember.user_id == user.id)
    return stmt.where(or_(WriteUp.author_id == user.id, WriteUp.id.in_(team)))


def readable_condition(viewer: Any):
    """The SQL form of `can_read`, for re-checking search hits in the same statement."""
    user = _user(viewer)
    published = and_(WriteUp.published_at.is_not(None), WriteUp.hidden_at.is_(None))
    if not is_member(viewer):
        return and_(published, WriteUp.is_public.is_(True))
    team = select(TeamMember.writeup_id).where(TeamMember.user_id == user.id)
    mine = or_(WriteUp.author_id == user.id, WriteUp.id.in_(team))
    if is_moderator(viewer):
        return or_(published, WriteUp.hidden_at.is_not(None), mine)
    return or_(published, mine)
