"""Adding, suggesting and curating resources. Each service checks policy, changes state,
writes its outbox row (search) and commits once.

Organisers and moderators add resources that are published at once; members suggest, and a
suggestion waits for a curator to approve or decline it (the member is told either way).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import urlsplit

from forum import outbox
from forum.community.models import Alliance, Board, Profession
from forum.db import utcnow
from forum.errors import InvalidInput, PermissionDenied
from forum.events.models import Event
from forum.extensions import db
from forum.markup import MAX_SOURCE, TooComplex, render
from forum.members.models import User
from forum.moderation.services.common import _path
from forum.notify.events import tell_member
from forum.resources import policy
from forum.resources.models import Resource, ResourceKind, ResourceStatus
from forum.uploads import services as uploads
from forum.uploads.types import DOCX, JPEG, PDF, PNG, PPTX, XLSX

RULES = uploads.UploadRules(types=(PDF, PPTX, DOCX, XLSX, PNG, JPEG), max_bytes=25 * uploads.MB)
TITLE_MAX = 200
DESCRIPTION_MAX = 2000
MINUTES_MAX = 24 * 60
SEARCH_TOPIC = "search"


@dataclass(slots=True)
class ResourceInput:
    """What the form sends, checked for shape; the service checks what depends on the kind."""

    title: str
    kind: ResourceKind
    description: str = ""
    url: str = ""
    minutes: int | None = None
    body_source: str = ""
    board: Board | None = None
    alliance: Alliance | None = None
    event: Event | None = None
    professions: Sequence[Profession] = field(default_factory=tuple)
    is_public: bool = True


def _web_address(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise InvalidInput("Enter a web address that starts with https://", field="url")
    if len(url) > 500:
        raise InvalidInput("The web address must be 500 characters or fewer", field="url")
    return url


def _check(data: ResourceInput, *, has_file: bool) -> None:
    data.title = " ".join(data.title.split())
    data.description = data.description.strip()
    if not data.title:
        raise InvalidInput("Enter a title", field="title")
    if len(data.title) > TITLE_MAX:
        raise InvalidInput(f"The title must be {TITLE_MAX} characters or fewer", field="title")
    if len(data.description) > DESCRIPTION_MAX:
        raise InvalidInput(f"The description must be {DESCRIPTION_MAX:,} characters or fewer",
                           field="description")
    if data.kind in (ResourceKind.RECORDING, ResourceKind.LINK):
        data.url = _web_address(data.url)
    else:
        data.url = ""
    if data.kind == ResourceKind.RECORDING:
        if data.minutes is not None and not 1 <= data.minutes <= MINUTES_MAX:
            raise InvalidInput("Enter the length in minutes, from 1 to 1440", field="minutes")
    else:
        data.minutes = None
    if data.kind == ResourceKind.GUIDE:
        if not data.body_source.strip():
            raise InvalidInput("Write the guide", field="body_source")
        if len(data.body_source) > MAX_SOURCE:
            raise InvalidInput(f"The guide must be {MAX_SOURCE:,} characters or fewer",
                               field="body_source")
    else:
        data.body_source = ""
    if data.kind == ResourceKind.DOCUMENT and not has_file:
        raise InvalidInput("Choose a file to upload", field=RULES.field)


def _apply(resource: Resource, data: ResourceInput) -> None:
    try:
        html = render(data.body_source, first_heading=2) if data.body_source else ""  # h1: title
    except TooComplex as error:
        raise InvalidInput(str(error), field="body_source") from None
    resource.title, resource.kind, resource.description = data.title, data.kind, data.description
    resource.url, resource.minutes = data.url, data.minutes
    resource.body_source, resource.body_html = data.body_source, html
    resource.board, resource.alliance, resource.event = data.board, data.alliance, data.event
    resource.professions = list(data.professions)
    resource.is_public = data.is_public
    resource.updated_at = utcnow()


def _reindex(resource: Resource) -> None:
    """Search learns of every change through the outbox, in this transaction."""
    db.session.flush()
    outbox.enqueue(SEARCH_TOPIC, {"kind": "resource", "id": resource.id})


def add_resource(actor: User, data: ResourceInput, *, stream: BinaryIO | None = None,
                 filename: str = "") -> Resource:
    """A curator's resource is published at once; a member's is a suggestion."""
    policy.require_suggest(actor)
    _check(data, has_file=stream is not None and bool(filename))
    resource = Resource(added_by_id=actor.id, kind=data.kind, title=data.title)
    _apply(resource, data)
    if data.kind == ResourceKind.DOCUMENT and stream is not None:
        resource.upload = uploads.store_file(actor, stream, filename=filename, rules=RULES)
    now = utcnow()
    if policy.is_curator(actor):
        resource.status, resource.published_at, resource.reviewed_by_id = \
            ResourceStatus.PUBLISHED, now, actor.id
    else:
        resource.status = ResourceStatus.SUGGESTED
    db.session.add(resource)
    _reindex(resource)
    db.session.commit()
    return resource


def edit_resource(actor: User, resource: Resource, data: ResourceInput, *,
                  stream: BinaryIO | None = None, filename: str = "") -> Resource:
    """Curators edit any resource; a new file replaces the old one (removed after the commit)."""
    policy.require_curator(actor)
    new_file = stream is not None and bool(filename)
    _check(data, has_file=new_file or resource.upload_id is not None)
    _apply(resource, data)
    old = resource.upload
    if data.kind == ResourceKind.DOCUMENT and new_file:
        resource.upload = uploads.store_file(actor, stream, filename=filename, rules=RULES)
    elif data.kind != ResourceKind.DOCUMENT:
        resource.upload = None
    gone = old if old is not None and resource.upload is not old else None
    if gone is not None:
        db.session.delete(gone)
    _reindex(resource)
    db.session.commit()
    if gone is not None:
        uploads.discard_file(gone)
    return resource


def _link(resource: Resource) -> str:
    """The resource's path, also outside a request (the demo seed, the CLI)."""
    return _path("resources.show_resource", f"/resources/{resource.id}", resource_id=resource.id)


def approve_suggestion(actor: User, resource: Resource) -> Resource:
    policy.require_curator(actor)
    if resource.status != ResourceStatus.SUGGESTED:
        raise InvalidInput("This suggestion has already been dealt with.")
    resource.status, resource.published_at = ResourceStatus.PUBLISHED, utcnow()
    resource.reviewed_by_id, resource.review_note = actor.id, ""
    if resource.added_by_id and resource.added_by_id != actor.id:
        tell_member(resource.added_by_id, kind="resource",
                    text=f"Your suggested resource “{resource.title}” is now in the library.",
                    link=_link(resource))
    _reindex(resource)
    db.session.commit()
    return resource


def decline_suggestion(actor: User, resource: Resource, *, reason: str) -> Resource:
    policy.require_curator(actor)
    if resource.status != ResourceStatus.SUGGESTED:
        raise InvalidInput("This suggestion has already been dealt with.")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why, so the member knows what to change", field="reason")
    if len(reason) > DESCRIPTION_MAX:
        raise InvalidInput(f"The reason must be {DESCRIPTION_MAX:,} characters or fewer",
                           field="reason")
    resource.status, resource.reviewed_by_id, resource.review_note = \
        ResourceStatus.DECLINED, actor.id, reason
    if resource.added_by_id and resource.added_by_id != actor.id:
        tell_member(resource.added_by_id, kind="resource",
                    text=f"Your suggested resource “{resource.title}” was not added: {reason}"[:500],
                    link=_link(resource))
    _reindex(resource)
    db.session.commit()
    return resource


def feature_resource(actor: User, resource: Resource, *, featured: bool) -> Resource:
    """Featured resources come first in the library."""
    policy.require_curator(actor)
    if featured and not resource.is_published:
        raise InvalidInput("Only a resource in the library can be featured.")
    resource.featured_at = utcnow() if featured else None
    db.session.commit()
    return resource


def retire_resource(actor: User, resource: Resource) -> Resource:
    """Out of date: off the library and out of search, kept for curators (and can return)."""
    policy.require_curator(actor)
    if resource.status != ResourceStatus.PUBLISHED:
        raise InvalidInput("Only a resource in the library can be retired.")
    resource.status, resource.retired_at, resource.featured_at = \
        ResourceStatus.RETIRED, utcnow(), None
    _reindex(resource)
    db.session.commit()
    return resource


def restore_resource(actor: User, resource: Resource) -> Resource:
    policy.require_curator(actor)
    if resource.status != ResourceStatus.RETIRED:
        raise InvalidInput("Only a retired resource can be put back.")
    resource.status, resource.retired_at = ResourceStatus.PUBLISHED, None
    _reindex(resource)
    db.session.commit()
    return resource


def require_download(viewer: object, resource: Resource) -> None:
    """A file is for whoever may read its resource; anything else is a 404."""
    policy.require_view(viewer, resource)
    if resource.upload is None:
        raise PermissionDenied("This resource has no file.")
