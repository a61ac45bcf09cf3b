"""Who may organise: one place, used by the admin views (to refuse), the menu (to show the
Organiser link) and every admin service (to refuse again).

`actor` is a User, Flask-Login's anonymous user, or None (a visitor).
"""

from __future__ import annotations

from typing import Any

from forum.discussions import policy as discussions
from forum.errors import PermissionDenied
from forum.members.models import Role, User

ONLY_ORGANISERS = "Only organisers (admins) can do that."


def can_organise(actor: Any) -> bool:
    """Active admins; a moderator, a suspended admin or a visitor may not."""
    return bool(discussions.is_member(actor) and actor.role == Role.ADMIN)


def can_change_role(actor: Any, member: User) -> bool:
    """Organisers change anyone's role, their own included (the last-admin rule is the
    service's, since it depends on who else is an admin at that moment)."""
    return can_organise(actor) and member is not None


def require_organiser(actor: Any) -> None:
    if not can_organise(actor):
        raise PermissionDenied(ONLY_ORGANISERS)
