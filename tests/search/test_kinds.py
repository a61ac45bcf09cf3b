"""Document kinds (forum.search.kinds): a kind registered in a test is indexed from the outbox
and by a rebuild, re-checked by its own rule, filtered, counted and listed as itself, with no
change to the search code. A real index on disk."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from forum import outbox
from forum.extensions import db
from forum.search import kinds, search
from forum.search.indexer import indexed_object_ids, rebuild
from forum.search.kinds import DocumentKind, KindHit, Renamed
from tests import factories as f

OFFSET = 9 * 10**12  # no real kind's (schema.GROUP_OFFSETS)

# The toy kind's "table": id -> (title, body, who may see it: "public", "members" or "nobody").
NOTES: dict[int, tuple[str, str, str]] = {}


def _indexable(session) -> list[int]:
    return sorted(i for i, (_, _, audience) in NOTES.items() if audience != "nobody")


def _documents_for(session, ids) -> dict[int, dict]:
    return {i: {"title": NOTES[i][0], "body": NOTES[i][1], "audience": NOTES[i][2],
                "created": datetime(2026, 3, i, tzinfo=UTC), "author": "Nora Notes", "tags": "Notes"}
            for i in ids if i in NOTES and NOTES[i][2] != "nobody"}


def _load(ids, viewer, filters) -> dict[int, KindHit]:
    """The re-check: in a real kind, one SQL query with the kind's own visibility rule."""
    member = viewer is not None and viewer.is_authenticated
    return {i: KindHit(title=NOTES[i][0], endpoint="search.search", url_values={"q": NOTES[i][0]},
                       snippet_text=NOTES[i][1], date=datetime(2026, 3, i, tzinfo=UTC),
                       date_label="Noted", facts=["Ward 7"], link_text="Read this note")
            for i in ids if i in NOTES and (NOTES[i][2] == "public" or (member and NOTES[i][2] == "members"))}


def _filed_under(session, renamed: Renamed) -> set[int]:
    return set(NOTES) if renamed.author_ids else set()


@pytest.fixture
def notes(app):
    NOTES.clear()
    kind = kinds.register_kind(DocumentKind(
        key="note", label="Ward notes", noun="ward note", offset=OFFSET,
        indexable_ids=_indexable, indexable_count=lambda session: len(_indexable(session)),
        documents_for=_documents_for, load=_load, ids_filed_under=_filed_under))
    yield kind
    kinds.unregister_kind("note")
    NOTES.clear()


def changed(*ids: int) -> None:
    """What a kind's service does in the change's transaction."""
    for ident in ids:
        outbox.enqueue("search", {"kind": "note", "id": ident})
    db.session.commit()


def note_ids(results) -> list[int]:
    return [g.ident for g in results.groups if g.kind is not None and g.kind.key == "note"]


def test_a_registered_kind_is_indexed_from_the_outbox_and_found(notes, sync):
    member = f.member()
    NOTES[1] = ("Pressure ulcer rounds", "Turning charts on the lymphoedema ward.", "members")
    NOTES[2] = ("Falls huddle", "A lymphoedema patient fell twice.", "public")
    changed(1, 2)
    sync()
    assert notes.number(1) in indexed_object_ids()
    results = search("lymphoedema", viewer=member, per_page=100)
    assert sorted(note_ids(results)) == [1, 2]
    assert results.kind_totals == {"note": 2} and results.total == 2
    assert results.counted == "2 ward notes"
    assert note_ids(search("pressure ulcer", viewer=member)) == [1]  # the title, ranked


def test_the_kinds_rule_decides_who_sees_a_match(notes, sync):
    NOTES[1] = ("Members' note", "Lymphoedema clinic times.", "members")
    NOTES[2] = ("Public note", "Lymphoedema leaflet.", "public")
    changed(1, 2)
    sync()
    assert note_ids(search("lymphoedema", viewer=None)) == [2]
    NOTES[2] = ("Public note", "Lymphoedema leaflet.", "members")  # stale index, the rule says no
    assert note_ids(search("lymphoedema", viewer=None)) == []


def test_an_object_no_longer_indexable_is_deleted_when_its_row_is_applied(notes, sync):
    NOTES[1] = ("Note", "Lymphoedema.", "public")
    changed(1)
    sync()
    NOTES[1] = ("Note", "Lymphoedema.", "nobody")
    changed(1)
    sync()
    assert notes.number(1) not in indexed_object_ids()


def test_a_rename_reindexes_what_the_kind_says_carries_the_name(notes, sync):
    NOTES[1] = ("Note", "Lymphoedema.", "public")
    changed(1)
    sync()
    NOTES[1] = ("Note", "Zebrafinch.", "public")
    outbox.enqueue("search", {"kind": "author", "id": 1})
    db.session.commit()
    sync()
    assert note_ids(search("zebrafinch", viewer=None)) == [1]


def test_a_rebuild_includes_the_kind_and_posts_and_kinds_are_not_confused(notes, index):
    member = f.member()
    NOTES[1] = ("Lymphoedema note", "Bandaging.", "members")
    thread = f.thread(member, title="Lymphoedema rota", body="Who covers Fridays?")
    report = rebuild()
    assert report.documents == len(indexed_object_ids())
    results = search("lymphoedema", viewer=member, per_page=100)
    assert note_ids(results) == [1]
    assert {g.thread.id for g in results.groups if g.thread} == {thread.id}
    assert results.counted == "1 ward note and 1 post in 1 discussion"


def test_the_show_filter_offers_the_kind_and_other_filters_leave_it_out(notes, sync):
    member = f.member()
    NOTES[1] = ("Lymphoedema note", "Bandaging.", "members")
    f.thread(member, title="Lymphoedema rota", body="Who covers Fridays?")
    changed(1)
    sync()
    assert kinds.filter_choices()["note"] == "Ward notes"
    only = search("lymphoedema", viewer=member, filters={"kind": "note"})
    assert note_ids(only) == [1] and len(only.groups) == 1
    replies = search("lymphoedema", viewer=member, filters={"kind": "thread"})
    assert note_ids(replies) == [] and replies.groups
    assert note_ids(search("lymphoedema", viewer=member, filters={"board_id": f.board().id})) == []


def test_the_results_page_lists_it_from_what_the_kind_gives(notes, client, sync):
    member = f.member()
    NOTES[3] = ("Lymphoedema <rounds>", "We measured limbs for lymphoedema every week.", "members")
    changed(3)
    sync()
    f.sign_in(client, member)
    html = client.get("/search?q=lymphoedema").get_data(as_text=True)
    item = re.search(r'<li class="search-result search-result--note" id="result-note-3">(.*?)</li>',
                     html, re.S)
    assert item, html
    body = item.group(1)
    assert "<mark>Lymphoedema</mark> &lt;rounds&gt;" in body
    assert '<strong class="tag tag--grey">Ward note</strong>' in body
    assert "Ward 7" in body and "Noted <time" in body
    assert "measured limbs for <mark>lymphoedema</mark>" in body
    assert "Read this note" in body
    assert "1 ward note for" in html
    assert 'value="note"' in html  # the Show filter


def test_a_clashing_registration_is_refused(notes):
    with pytest.raises(ValueError, match="offset"):
        kinds.register_kind(DocumentKind(
            key="other", label="Others", noun="other", offset=OFFSET, indexable_ids=_indexable,
            indexable_count=lambda s: 0, documents_for=_documents_for, load=_load))
    with pytest.raises(ValueError, match="GROUP_OFFSETS"):
        kinds.register_kind(DocumentKind(
            key="event", label="Events", noun="event", offset=OFFSET + 1, indexable_ids=_indexable,
            indexable_count=lambda s: 0, documents_for=_documents_for, load=_load))
