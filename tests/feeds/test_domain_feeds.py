"""The QI write-ups and events feeds: valid Atom, linked from their pages, public only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum.db import utcnow
from forum.events import services as events
from forum.extensions import db as _db
from forum.qi import moderation as qi_moderation
from forum.qi import services as qi
from tests import factories as f
from tests.events.conftest import make_event, move_start
from tests.feeds.test_feeds import parsed, titles


@pytest.fixture
def author(db):
    return f.member(display_name="Amara Okafor")


def _writeup(author, title: str, *, publish: bool = True, public: bool = True):
    writeup = qi.start_writeup(author, title=title, summary="We offered **HNAs**.")
    if publish:
        qi.publish_writeup(author, writeup)
    if public:
        qi.make_public(f.admin(), writeup, True)
    return writeup


def test_the_qi_feed_lists_published_public_writeups_only(client, author):
    shown = _writeup(author, "Public and published")
    _writeup(author, "Members only", public=False)
    _writeup(author, "Still a draft", publish=False)
    hidden = _writeup(author, "Hidden by a moderator")
    qi_moderation.hide_writeup(f.moderator(), hidden, reason="It names a patient")
    feed = parsed(client.get("/feeds/qi"))
    assert titles(feed) == ["Public and published"]
    (entry,) = feed.entries
    assert entry.link == f"http://forum.test/qi/{shown.id}"
    assert entry.id == f"tag:forum.test,2026:qi/{shown.id}"
    assert entry.author == "Amara Okafor"
    assert "<strong>HNAs</strong>" in entry.content[0].value
    f.sign_in(client, author)  # a feed is what a visitor may read, whoever asks
    assert titles(parsed(client.get("/feeds/qi"))) == ["Public and published"]


def test_the_qi_list_links_its_feed(client, db):
    html = client.get("/qi/").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/feeds/qi"' in html and 'id="feed-link"' in html


@pytest.fixture
def organiser(db):
    return f.admin(display_name="Olu Organiser")


def test_the_events_feed_lists_upcoming_published_public_events_only(client, organiser):
    shown = make_event(organiser, title="Lymphoedema webinar")
    make_event(organiser, title="Members-only workshop", is_public=False)
    make_event(organiser, title="A draft", publish=False)
    events.cancel_event(organiser, make_event(organiser, title="Called off"))
    move_start(make_event(organiser, title="Already happened"), utcnow() - timedelta(days=3))
    feed = parsed(client.get("/feeds/events"))
    assert [t.split(" (")[0] for t in titles(feed)] == ["Lymphoedema webinar"]
    (entry,) = feed.entries
    assert entry.link == f"http://forum.test/events/{shown.id}"
    assert "<strong>questions</strong>" in entry.content[0].value
    assert "teams.example" not in client.get("/feeds/events").get_data(as_text=True)


def test_the_events_page_links_its_feed(client, db):
    html = client.get("/events").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/feeds/events"' in html and 'id="atom-feed-link"' in html


@pytest.mark.parametrize("url", ["/feeds/qi/extra", "/feeds/events/extra"])
def test_these_feeds_have_no_narrower_feeds(client, db, url):
    assert client.get(url).status_code == 404


def test_the_qi_and_events_feeds_cost_the_same_for_1_and_50(client, author, organiser,
                                                            count_queries):
    from tests.feeds.test_feeds import counted

    organiser_id = organiser.id

    def add(n: int) -> None:
        runs = _db.session.get(type(organiser), organiser_id)
        for i in range(n):
            member = f.member()
            writeup = _writeup(member, f"Project {i}")
            qi.edit_writeup(member, writeup, {"professions": [f.profession("gp")]})
            make_event(runs, title=f"Event {i}", professions=[f.profession("gp")])

    add(1)
    one = [counted(client, count_queries, url) for url in ("/feeds/qi", "/feeds/events")]
    add(49)
    assert [counted(client, count_queries, url) for url in ("/feeds/qi", "/feeds/events")] == one
    assert len(parsed(client.get("/feeds/events")).entries) == 50
