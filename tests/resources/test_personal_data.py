"""A member's library data: exported in full; on erasure suggestions go, the rest forgets them."""

from __future__ import annotations

from sqlalchemy import select

from forum.resources import personal_data
from forum.resources.models import Resource, ResourceKind
from forum.uploads.models import Upload
from forum.uploads.services import path_of
from tests import factories
from tests.resources.helpers import resource


def test_export_lists_what_they_added_and_suggested(db):
    member, admin = factories.member(), factories.admin()
    resource(member, title="My suggestion")
    resource(admin, title="Someone else's")
    exported = personal_data.export_member(member)
    assert [r["title"] for r in exported["resources"]] == ["My suggestion"]
    assert exported["resources"][0]["status"] == "suggested"


def test_erasure_deletes_suggestions_and_files_after_the_commit_and_unnames_the_rest(db):
    member, admin = factories.member(), factories.admin()
    suggested = resource(member, kind=ResourceKind.DOCUMENT, title="Suggested slides")
    path = path_of(suggested.upload)
    published = resource(member, title="Published one")
    published.status, published.added_by_id = published.status.PUBLISHED, member.id
    db.session.commit()
    personal_data.erase_member(member)
    assert path.exists()  # not until the commit
    db.session.commit()
    assert not path.exists()
    assert db.session.scalars(select(Resource.title)).all() == ["Published one"]
    assert db.session.scalar(select(Resource.added_by_id)) is None
    assert db.session.scalar(select(Upload.id)) is None
    assert personal_data.export_member(member) == {"resources": []}
    assert admin.id  # the curator is untouched


def test_a_rolled_back_erasure_keeps_the_files(db):
    member = factories.member()
    suggested = resource(member, kind=ResourceKind.DOCUMENT)
    path = path_of(suggested.upload)
    personal_data.erase_member(member)
    db.session.rollback()
    db.session.commit()
    assert path.exists()
