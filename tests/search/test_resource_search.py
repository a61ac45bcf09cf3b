"""Resources in search: indexed as kind "resource" from the outbox and by a rebuild (the text
of uploaded PDFs too), re-checked in SQL with the library's own rule. A real index on disk."""

from __future__ import annotations

from forum.resources import services
from forum.resources.models import ResourceKind
from forum.resources.pdf_text import pdf_text
from forum.resources.seed import _pdf
from forum.search import search
from forum.search.indexer import indexed_object_ids, rebuild
from forum.search.schema import GROUP_OFFSETS
from tests import factories as f
from tests.resources.helpers import resource


def found(query: str, viewer=None, **filters) -> list[int]:
    """Resource ids among the first page's results, in rank order."""
    results = search(query, viewer=viewer, filters=filters or None, per_page=100)
    return [g.ident for g in results.groups if g.kind is not None and g.kind.key == "resource"]


def test_a_published_resource_is_found_by_its_title_and_description(db, sync):
    added = resource(f.admin(), title="Lymphoedema measuring guide",
                     description="How to measure both arms at ten centimetre steps.")
    sync()
    assert found("lymphoedema") == [added.id]
    assert found("centimetre") == [added.id]


def test_the_words_inside_an_uploaded_pdf_are_found(db, sync):
    slides = resource(f.admin(), kind=ResourceKind.DOCUMENT, title="Webinar slides",
                      data=_pdf("Delirium", ["The zygomorphic checklist for home visits"]))
    sync()
    assert found("zygomorphic") == [slides.id]


def test_a_guides_text_is_found(db, sync):
    guide = resource(f.admin(), kind=ResourceKind.GUIDE, body_source="Ask about **quokkas**.")
    sync()
    assert found("quokkas") == [guide.id]


def test_suggestions_retired_and_members_only_follow_the_librarys_rule(db, sync):
    admin, member = f.admin(), f.member()
    suggested = resource(member, title="Suggested hedgehog")
    hidden = resource(admin, title="Members hedgehog", is_public=False)
    retired = resource(admin, title="Retired hedgehog")
    services.retire_resource(admin, retired)
    sync()
    assert found("hedgehog") == []  # a visitor: nothing public and published
    assert found("hedgehog", member) == [hidden.id]
    services.approve_suggestion(admin, suggested)
    sync()
    assert sorted(found("hedgehog", member)) == sorted([hidden.id, suggested.id])


def test_a_stale_index_cannot_show_a_retired_resource(db, sync):
    admin = f.admin()
    gone = resource(admin, title="Stale walrus")
    sync()
    services.retire_resource(admin, gone)  # the outbox row is not applied yet
    assert found("walrus", f.member()) == []


def test_filters_by_profession_and_alliance_apply(db, sync):
    admin = f.admin()
    physio = f.profession("physiotherapist")
    for_physios = resource(admin, title="Prehab badger", professions=[physio])
    resource(admin, title="Other badger", alliance=f.alliance())
    sync()
    assert found("badger", profession_id=physio.id) == [for_physios.id]
    assert found("badger", alliance_id=0) == [for_physios.id]


def test_a_rebuild_indexes_published_resources_only(db, index):
    admin = f.admin()
    published = resource(admin, title="Rebuilt otter")
    suggested = resource(f.member(), title="Suggested otter")
    report = rebuild()
    ids = indexed_object_ids()
    offset = GROUP_OFFSETS["resource"]
    assert offset + published.id in ids and offset + suggested.id not in ids
    assert report.documents == len(ids)
    assert found("otter") == [published.id]


def test_an_unreadable_pdf_gives_no_text_not_an_error(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a pdf")
    assert pdf_text(broken) == ""


def test_the_results_page_lists_a_resource_as_itself(db, sync, client):
    added = resource(f.admin(), title="Capybara recording", kind=ResourceKind.RECORDING,
                     minutes=45)
    sync()
    page = client.get("/search?q=capybara").get_data(as_text=True)
    assert f'id="result-resource-{added.id}"' in page
    assert f"/resources/{added.id}" in page and "45 minutes" in page
