"""QI write-ups in search: indexed as kind "qi" from the outbox and by a rebuild, re-checked in
SQL with the write-ups' own rule, and listed as themselves. A real index on disk."""

from __future__ import annotations

import re

import pytest

from forum.qi import moderation, services
from forum.qi.search_kind import object_id
from forum.search import search
from forum.search.indexer import indexed_object_ids, rebuild
from tests import factories as f


@pytest.fixture
def author(db):
    return f.member(display_name="Amara Okafor")


@pytest.fixture
def reader(db):
    return f.member(display_name="Rita Reader")


def writeup(author, *, title="Holistic needs assessments at cancer care reviews",
            summary="We offered every patient an HNA.", aim="", publish=True, **changes):
    w = services.start_writeup(author, title=title, summary=summary)
    if aim or changes:
        services.edit_writeup(author, w, {"aim": aim, **changes})
    if publish:
        services.publish_writeup(author, w)
    return w


def found(query: str, viewer=None, **filters) -> list[int]:
    """Write-up ids among the first page's results, in rank order."""
    results = search(query, viewer=viewer, filters=filters or None, per_page=100)
    return [g.ident for g in results.groups if g.kind is not None and g.kind.key == "qi"]


def test_a_published_writeup_is_found_by_a_word_of_its_title_and_of_its_aim(author, reader, sync):
    w = writeup(author, aim="Raise lymphoedema referrals within six weeks to 80% by March.")
    sync()
    assert found("holistic", reader) == [w.id]
    assert found("lymphoedema referrals", reader) == [w.id]
    assert found("HNA", reader) == [w.id]  # the summary


def test_every_text_field_is_searched_measures_and_cycles_too(author, reader, sync):
    from forum.extensions import db
    from forum.qi.models import Measure

    w = writeup(author, learning="Champions on every **ward** mattered most.")
    db.session.add(Measure(writeup_id=w.id, name="Percentage offered an assessment",
                           definition="Patients with a zebrafinch code",
                           definition_html="<p>Patients with a zebrafinch code</p>"))
    services.edit_writeup(author, w, {"results": "Offers rose steadily."})  # writes the row
    sync()
    assert found("champions", reader) == [w.id]
    assert found("zebrafinch", reader) == [w.id]
    assert found("percentage offered", reader) == [w.id]


def test_a_word_in_the_title_ranks_above_the_aim_and_the_aim_above_the_body(author, reader, sync):
    # Titles of the same length, as BM25 weighs a word by how long its field is.
    in_body = writeup(author, title="Rota planning for community nurses", learning=(
        "Delirium screening helped, and we learned to plan the rota around the clinics, to "
        "share the load between the nurses, and to keep the forms short and simple."))
    in_aim = writeup(author, title="Weekend cover by community nurses",
                     aim="Screen every patient for delirium.")
    in_title = writeup(author, title="Delirium screening by district nurses")
    sync()
    assert found("delirium", reader) == [in_title.id, in_aim.id, in_body.id]


def test_a_draft_is_never_found_not_even_by_its_author(author, reader, sync):
    writeup(author, title="Secret lymphoedema pathway", publish=False)
    sync()
    assert found("lymphoedema", author) == []
    assert found("lymphoedema", reader) == []


def test_a_hidden_writeup_is_not_found_and_restoring_brings_it_back(author, reader, sync):
    w = writeup(author, title="Lymphoedema pathway")
    moderator = f.moderator()
    sync()
    assert found("lymphoedema", reader) == [w.id]
    moderation.hide_writeup(moderator, w, reason="Names a patient")
    sync()
    assert found("lymphoedema", reader) == []
    assert found("lymphoedema", moderator) == []  # search never lists hidden ones
    assert found("lymphoedema", author) == []
    moderation.restore_writeup(moderator, w)
    sync()
    assert found("lymphoedema", reader) == [w.id]


def test_a_stale_index_cannot_show_a_hidden_writeup(author, reader, sync):
    """The index proposes, SQL decides: hidden in the database, before the index hears of it."""
    from forum.db import utcnow
    from forum.extensions import db

    w = writeup(author, title="Lymphoedema pathway")
    sync()
    w.hidden_at = utcnow()
    db.session.commit()
    assert object_id(w.id) in indexed_object_ids()
    assert found("lymphoedema", reader) == []


def test_members_only_writeups_are_not_found_by_visitors_and_public_ones_are(author, sync):
    members_only = writeup(author, title="Lymphoedema clinic in primary care")
    public = writeup(author, title="Lymphoedema leaflet for patients")
    services.make_public(f.admin(), public, True)
    sync()
    assert found("lymphoedema", None) == [public.id]
    assert set(found("lymphoedema", author)) == {members_only.id, public.id}


def test_unpublishing_removes_it_from_search(author, reader, sync):
    w = writeup(author, title="Lymphoedema pathway")
    sync()
    assert found("lymphoedema", reader) == [w.id]
    services.unpublish_writeup(author, w)
    sync()
    assert found("lymphoedema", reader) == []
    assert object_id(w.id) not in indexed_object_ids()


def test_a_rebuild_includes_published_writeups_and_leaves_drafts_out(author, reader, index):
    published = writeup(author, title="Lymphoedema pathway")
    draft = writeup(author, title="Lymphoedema draft", publish=False)
    report = rebuild()
    ids = indexed_object_ids()
    assert object_id(published.id) in ids and object_id(draft.id) not in ids
    assert report.documents == len(ids)
    assert found("lymphoedema", reader) == [published.id]


def test_writeups_and_posts_with_the_same_number_are_not_confused(author, reader, sync):
    w = writeup(author, title="Lymphoedema pathway")
    thread = f.thread(author, title="Rotas", body="Who covers lymphoedema on Fridays?")
    sync()
    results = search("lymphoedema", viewer=reader, per_page=100)
    assert {g.ident for g in results.groups if g.kind} == {w.id}
    # Its own discussion (opened on publishing) is a discussion like any other.
    assert {g.thread.id for g in results.groups if g.thread} == {thread.id, w.thread_id}
    assert results.kind_totals == {"qi": 1} and results.total == 3 and results.total_groups == 3
    assert results.post_total == 2 and results.discussion_total == 2


def test_the_kind_filter_shows_only_writeups_and_a_board_filter_leaves_them_out(author, reader, sync):
    w = writeup(author, title="Lymphoedema pathway")
    f.thread(author, title="Lymphoedema rotas", body="Who covers lymphoedema?")
    sync()
    results = search("lymphoedema", viewer=reader, filters={"kind": "qi"})
    assert [g.ident for g in results.groups] == [w.id]
    by_board = search("lymphoedema", viewer=reader, filters={"board_id": f.board().id})
    assert all(g.kind is None for g in by_board.groups) and by_board.groups
    replies = search("lymphoedema", viewer=reader, filters={"kind": "reply"})
    assert all(g.kind is None for g in replies.groups)


def test_the_results_page_shows_a_writeup_as_itself(author, reader, client, sync):
    w = writeup(author, title="Lymphoedema pathway in <community> nursing",
                summary="Earlier referral for lymphoedema.", setting="community", status="testing")
    sync()
    f.sign_in(client, reader)
    html = client.get("/search?q=lymphoedema").get_data(as_text=True)
    item = re.search(r'<li class="search-result search-result--qi" id="result-qi-(\d+)">(.*?)</li>',
                     html, re.S)
    assert item and int(item.group(1)) == w.id
    body = item.group(2)
    assert f'href="/qi/{w.id}"' in body
    assert "<mark>Lymphoedema</mark> pathway in &lt;community&gt; nursing" in body
    assert "Testing changes" in body and "Community and district nursing" in body
    assert "Earlier referral for <mark>lymphoedema</mark>." in body
    assert "1 QI write-up and 1 post in 1 discussion for" in html  # and its discussion
    assert "Opening post by" not in body
    assert 'value="qi"' in html  # the Show filter offers write-ups


def test_the_results_page_makes_the_same_queries_for_1_and_20_writeups(author, reader, client,
                                                                       sync, count_queries):
    writeup(author, title="Lymphoedema pathway 0")
    sync()
    f.sign_in(client, reader)
    client.get("/search?q=lymphoedema&kind=qi")
    with count_queries() as one:
        client.get("/search?q=lymphoedema&kind=qi")
    for n in range(1, 20):
        writeup(author, title=f"Lymphoedema pathway {n}")
    sync()
    with count_queries() as twenty:
        html = client.get("/search?q=lymphoedema&kind=qi").get_data(as_text=True)
    assert html.count('class="search-result search-result--qi"') == 10  # a page
    assert twenty.count == one.count
