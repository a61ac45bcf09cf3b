"""The team credited on a write-up: members of the forum found by their display name (or
email address, when two share a name), a patient partner like anyone else; co-authors edit."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.errors import InvalidInput, PermissionDenied
from forum.extensions import db
from forum.members.models import Status, User
from forum.members.queries import member_by_email
from forum.notify import events as notify_events
from forum.qi import policy
from forum.qi.models import TeamMember, WriteUp
from forum.qi.services import clean_line, keep_revision, require_edit, touched

MAX_TEAM = 30
ROLE_MAX = 120


def find_member(name: str) -> User:
    """The active member with this display name (letter case aside) or email address."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Enter the name of a member of the forum", field="name")
    if "@" in name:
        user = member_by_email(name)
        found = [user] if user is not None and user.status == Status.ACTIVE else []
    else:
        found = list(db.session.scalars(select(User).where(
            func.lower(User.display_name) == name.lower(), User.status == Status.ACTIVE).limit(2)))
    if not found:
        raise InvalidInput(f"No member of the forum is called “{name}”. Check the spelling, "
                           "or ask them to join first", field="name")
    if len(found) > 1:
        raise InvalidInput(f"More than one member is called “{name}”: enter their email "
                           "address instead", field="name")
    return found[0]


def _save(actor: User, writeup: WriteUp) -> None:
    keep_revision(actor, writeup)
    touched(actor, writeup)
    db.session.commit()


def add_team_member(actor: User, writeup: WriteUp, *, name: str, role: str = "",
                    is_coauthor: bool = False) -> TeamMember:
    require_edit(actor, writeup)
    role = clean_line(role, field="role", limit=ROLE_MAX)
    user = find_member(name)
    team = list(db.session.scalars(select(TeamMember).where(TeamMember.writeup_id == writeup.id)))
    if any(m.user_id == user.id for m in team):
        raise InvalidInput(f"{user.display_name} is already on the team", field="name")
    if len(team) >= MAX_TEAM:
        raise InvalidInput(f"A team can have up to {MAX_TEAM} members", field="name")
    member = TeamMember(writeup_id=writeup.id, user_id=user.id, role=role,
                        is_coauthor=is_coauthor, position=max((m.position for m in team), default=-1) + 1)
    db.session.add(member)
    notify_events.follow_automatically(user.id, writeup.id, kind=policy.FOLLOW_KIND)
    _save(actor, writeup)
    return member


def update_team_member(actor: User, member: TeamMember, *, role: str,
                       is_coauthor: bool) -> TeamMember:
    writeup = member.writeup
    require_edit(actor, writeup)
    if member.user_id == writeup.author_id and not is_coauthor:
        raise PermissionDenied("The person who started the write-up always edits it.")
    member.role = clean_line(role, field="role", limit=ROLE_MAX)
    member.is_coauthor = is_coauthor
    _save(actor, writeup)
    return member


def remove_team_member(actor: User, member: TeamMember) -> None:
    writeup = member.writeup
    require_edit(actor, writeup)
    if member.user_id == writeup.author_id:
        raise PermissionDenied("The person who started the write-up stays on its team.")
    db.session.delete(member)
    _save(actor, writeup)
