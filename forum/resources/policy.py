"""Who may see, suggest and curate resources: every rule in one place, used by the views (to
refuse), the templates (to show or hide a button), the services and search (to refuse again).

`viewer` is a User, Flask-Login's anonymous user, or None (a visitor).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_

from forum.discussions.policy import _user, is_member, is_moderator
from forum.errors import NotFound, PermissionDenied
from forum.resources.models import Resource, ResourceStatus

ONLY_CURATORS = "Only organisers and moderators can do that."


def is_curator(viewer: Any) -> bool:
    """Organisers (admins) and moderators curate the library; is_moderator covers both."""
    return is_moderator(viewer)


def can_suggest(viewer: Any) -> bool:
    return is_member(viewer)


def can_view(viewer: Any, resource: Resource) -> bool:
    """Published ones (members-only ones to members); curators see all; a member sees their
    own suggestion, whatever became of it."""
    if is_curator(viewer):
        return True
    if resource.status == ResourceStatus.PUBLISHED:
        return resource.is_public or is_member(viewer)
    user = _user(viewer)
    return bool(user and resource.added_by_id == user.id
                and resource.status in (ResourceStatus.SUGGESTED, ResourceStatus.DECLINED))


def readable(viewer: Any) -> ColumnElement[bool]:
    """The condition `visible_resources` applies: for search and other domains' lists."""
    if not is_member(viewer):
        return and_(Resource.status == ResourceStatus.PUBLISHED, Resource.is_public)
    return Resource.status == ResourceStatus.PUBLISHED


def visible_resources(stmt: Select, viewer: Any) -> Select:
    """Listings: published resources; public ones only, for visitors and suspended members."""
    return stmt.where(readable(viewer))


def require_view(viewer: Any, resource: Resource) -> None:
    if not can_view(viewer, resource):
        raise NotFound("No such resource.")


def require_curator(viewer: Any) -> None:
    if not is_curator(viewer):
        raise PermissionDenied(ONLY_CURATORS)


def require_suggest(viewer: Any) -> None:
    if not can_suggest(viewer):
        raise PermissionDenied("Only members can suggest a resource.")
