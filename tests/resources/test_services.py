"""The library's services: what each kind needs, suggestions, curation and visibility."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from forum.errors import InvalidInput, PermissionDenied
from forum.notify.models import Notification, OutboxMessage
from forum.resources import policy, queries, services
from forum.resources.models import Resource, ResourceKind, ResourceStatus
from forum.uploads.services import path_of
from tests import factories
from tests.resources.helpers import PNG_BYTES, pptx_bytes, resource


def test_a_curators_resource_is_published_and_sent_to_search(db):
    admin = factories.admin()
    added = resource(admin, kind=ResourceKind.RECORDING, minutes=65)
    assert added.status == ResourceStatus.PUBLISHED and added.published_at is not None
    assert added.length_text == "1 hour 5 minutes"
    payloads = [m.payload for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic == "search"))]
    assert {"kind": "resource", "id": added.id} in payloads


def test_a_members_resource_is_a_suggestion_seen_only_by_them_and_curators(db):
    member, other, moderator = factories.member(), factories.member(), factories.moderator()
    suggested = resource(member)
    assert suggested.status == ResourceStatus.SUGGESTED
    assert policy.can_view(member, suggested) and policy.can_view(moderator, suggested)
    assert not policy.can_view(other, suggested) and not policy.can_view(None, suggested)
    assert queries.listing(other)[0] == []


def test_approving_a_suggestion_publishes_it_and_tells_the_member(db):
    member, admin = factories.member(), factories.admin()
    suggested = resource(member)
    services.approve_suggestion(admin, suggested)
    assert suggested.is_published and suggested.reviewed_by_id == admin.id
    note = db.session.scalars(select(Notification).where(Notification.user_id == member.id)).one()
    assert "is now in the library" in note.text
    with pytest.raises(InvalidInput):
        services.approve_suggestion(admin, suggested)


def test_declining_needs_a_reason_which_the_member_is_told(db):
    member, admin = factories.member(), factories.admin()
    suggested = resource(member)
    with pytest.raises(InvalidInput) as refused:
        services.decline_suggestion(admin, suggested, reason="  ")
    assert refused.value.field == "reason"
    services.decline_suggestion(admin, suggested, reason="We already have this one.")
    assert suggested.status == ResourceStatus.DECLINED
    assert policy.can_view(member, suggested)
    assert "We already have this one." in db.session.scalars(select(Notification.text)).one()


def test_members_cannot_curate(db):
    member, admin = factories.member(), factories.admin()
    published = resource(admin)
    for action in (lambda: services.retire_resource(member, published),
                   lambda: services.feature_resource(member, published, featured=True),
                   lambda: services.approve_suggestion(member, published)):
        with pytest.raises(PermissionDenied):
            action()


def test_featured_come_first_and_retired_leave_the_library(db):
    admin = factories.admin()
    older = resource(admin, title="Older")
    resource(admin, title="Newer")
    services.feature_resource(admin, older, featured=True)
    assert [r.title for r in queries.listing(admin)[0]] == ["Older", "Newer"]
    assert [r.title for r in queries.listing(admin, sort="newest")[0]] == ["Newer", "Older"]
    services.retire_resource(admin, older)
    assert [r.title for r in queries.listing(admin)[0]] == ["Newer"]
    assert older.featured_at is None and queries.retired() == [older]
    services.restore_resource(admin, older)
    assert older.is_published


def test_members_only_resources_are_hidden_from_visitors(db):
    admin, member = factories.admin(), factories.member()
    resource(admin, title="Open", is_public=True)
    resource(admin, title="Members", is_public=False)
    assert [r.title for r in queries.listing(None)[0]] == ["Open"]
    assert {r.title for r in queries.listing(member)[0]} == {"Open", "Members"}


@pytest.mark.parametrize(("kind", "change", "field"), [
    (ResourceKind.LINK, {"url": "javascript:alert(1)"}, "url"),
    (ResourceKind.LINK, {"url": "ftp://example.org/x"}, "url"),
    (ResourceKind.RECORDING, {"url": "https://video.example/1", "minutes": 0}, "minutes"),
    (ResourceKind.GUIDE, {"body_source": "   "}, "body_source"),
    (ResourceKind.LINK, {"title": "  "}, "title"),
])
def test_what_each_kind_needs_is_checked(db, kind, change, field):
    with pytest.raises(InvalidInput) as refused:
        resource(factories.admin(), kind=kind, **change)
    assert refused.value.field == field


def test_a_guide_is_rendered_once_and_script_never_survives(db):
    guide = resource(factories.admin(), kind=ResourceKind.GUIDE,
                     body_source="**Bold** <script>alert(1)</script>")
    assert "<strong>Bold</strong>" in guide.body_html and "<script" not in guide.body_html


def test_documents_are_typed_from_their_content(db):
    admin = factories.admin()
    slides = resource(admin, kind=ResourceKind.DOCUMENT, data=pptx_bytes(), filename="deck.pdf")
    assert slides.upload.download_name == "deck.pptx"
    assert path_of(slides.upload).exists()
    image = resource(admin, kind=ResourceKind.DOCUMENT, data=PNG_BYTES, filename="poster.png")
    assert image.upload.content_type == "image/png"
    with pytest.raises(InvalidInput) as refused:
        resource(admin, kind=ResourceKind.DOCUMENT, data=b"MZ\x90\0program", filename="a.pdf")
    assert "Windows program" in refused.value.message


def test_a_document_needs_a_file(db):
    with pytest.raises(InvalidInput) as refused:
        services.add_resource(factories.admin(), services.ResourceInput(
            title="Slides", kind=ResourceKind.DOCUMENT))
    assert refused.value.field == "file"


def test_replacing_a_file_removes_the_old_one_after_the_commit(db):
    admin = factories.admin()
    doc = resource(admin, kind=ResourceKind.DOCUMENT)
    old_path = path_of(doc.upload)
    services.edit_resource(admin, doc, services.ResourceInput(title=doc.title, kind=doc.kind),
                           stream=io.BytesIO(pptx_bytes()), filename="new.pptx")
    assert not old_path.exists() and doc.upload.download_name == "new.pptx"
    assert db.session.scalar(select(Resource.upload_id)) == doc.upload.id
