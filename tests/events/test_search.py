"""Events in search (kind "event"): indexed from the outbox when created, edited, published or
cancelled; found by title, description, speakers and venue; drafts never; members-only events
for members only. A real index on disk (the search tests' fixtures)."""

from dataclasses import replace

import pytest

from forum.events import services
from forum.search import search
from forum.search.indexer import indexed_object_ids, rebuild
from tests import factories
from tests.events.conftest import event_input, make_event
from tests.search.conftest import index, sync  # noqa: F401  (fixtures)


def event_ids(results) -> list[int]:
    return [g.ident for g in results.groups if g.kind is not None and g.kind.key == "event"]


@pytest.mark.parametrize(("query", "field"), [
    ("fatigue", "title"), ("conservation", "description"), ("Bello", "speakers"),
    ("Whittington", "venue")])
def test_a_published_event_is_found_by_each_of_its_texts(organiser, sync, query, field):  # noqa: F811
    event = make_event(organiser, title="Cancer-related fatigue", kind="face-to-face",
                       description="Energy **conservation** after treatment.",
                       speakers="Dr Funmi Bello", venue="Whittington Education Centre, N19")
    sync()
    results = search(query, viewer=None)
    assert event_ids(results) == [event.id], field


def test_a_draft_is_never_found_and_publishing_adds_it(organiser, sync):  # noqa: F811
    event = make_event(organiser, title="Lymphoedema clinic", publish=False)
    sync()
    assert event_ids(search("lymphoedema", viewer=organiser)) == []
    services.publish_event(organiser, event)
    sync()
    assert event_ids(search("lymphoedema", viewer=organiser)) == [event.id]


def test_an_edit_is_indexed_and_a_cancelled_event_leaves_the_index(organiser, sync):  # noqa: F811
    event = make_event(organiser, title="Delirium webinar")
    sync()
    services.update_event(organiser, event, replace(event_input(), title="Dementia and delirium",
                                                    starts_at=event.starts_at, ends_at=event.ends_at))
    sync()
    assert event_ids(search("dementia", viewer=None)) == [event.id]
    services.cancel_event(organiser, event)
    sync()
    assert event_ids(search("dementia", viewer=None)) == []
    assert 10**12 + event.id not in indexed_object_ids()


def test_a_members_only_event_is_found_by_members_not_visitors(organiser, sync):  # noqa: F811
    event = make_event(organiser, title="Members-only rehab huddle", is_public=False)
    sync()
    assert event_ids(search("rehab huddle", viewer=None)) == []
    assert event_ids(search("rehab huddle", viewer=factories.member())) == [event.id]


def test_the_results_page_lists_an_event_as_itself(client, organiser, sync):  # noqa: F811
    event = make_event(organiser, title="Enhanced supportive care webinar")
    sync()
    page = client.get("/search?q=supportive").get_data(as_text=True)
    assert f'id="result-event-{event.id}"' in page and "See this event" in page
    only = client.get("/search?q=supportive&kind=event").get_data(as_text=True)
    assert f'id="result-event-{event.id}"' in only


def test_a_rebuild_indexes_published_events_and_the_imported_year(organiser, index):  # noqa: F811
    from tests.events.test_importing import TSV

    if not TSV.exists():
        pytest.skip("../shared/data/events-2023.tsv is not here")
    from forum.events.importing import import_events

    make_event(organiser, title="Upcoming webinar")
    make_event(organiser, title="Draft webinar", publish=False)
    import_events(TSV.read_bytes(), source="events-2023.tsv")
    rebuild()
    assert len([n for n in indexed_object_ids() if 10**12 <= n < 2 * 10**12]) == 8
    assert len(event_ids(search("delirium", viewer=None))) == 1
