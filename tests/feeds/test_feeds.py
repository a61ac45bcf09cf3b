"""Atom feeds: valid, public content only, conditional and cacheable, constant queries."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
import pytest
from flask import g
from sqlalchemy import select

from forum.discussions.models import Post
from forum.extensions import db as _db
from forum.feeds.registry import Entry, Feed, register_feed
from forum.moderation import services as moderation
from tests import factories as f

PUBLIC = "introductions"  # the seeded board anyone can read
PRIVATE = "clinical-leadership"  # members only


def parsed(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def titles(feed) -> list[str]:
    return [entry.title for entry in feed.entries]


@pytest.fixture
def author(db):
    return f.member(display_name="Aisha Khan")


def test_board_feed_lists_new_discussions_with_everything_a_reader_needs(client, author):
    thread = f.thread(author, board=f.board(PUBLIC), title="Hello from Hackney",
                      body="I am a **district nurse**.", professions=[f.profession("gp")])
    feed = parsed(client.get(f"/feeds/boards/{PUBLIC}"))
    assert feed.feed.title == "Introductions: new discussions – Cancer CoP"
    assert feed.feed.id == "tag:forum.test,2026:feed/boards/introductions"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": "http://forum.test/feeds/boards/introductions",
                     "alternate": "http://forum.test/boards/introductions"}
    (entry,) = feed.entries
    assert entry.id == f"tag:forum.test,2026:thread/{thread.id}"
    assert entry.title == "Hello from Hackney"
    assert entry.link == f"http://forum.test/threads/{thread.id}"
    assert entry.author == "Aisha Khan"
    assert "<strong>district nurse</strong>" in entry.content[0].value
    assert entry.content[0].type == "text/html"
    assert [t.term for t in entry.tags] == ["Introductions", "GP"]
    assert entry.updated_parsed[:6] == thread.created_at.astimezone(UTC).timetuple()[:6]
    assert entry.updated.endswith("+00:00")  # UTC, stated


def test_newest_discussions_come_first(client, author):
    for title in ("First", "Second", "Third"):
        f.thread(author, board=f.board(PUBLIC), title=title)
    assert titles(parsed(client.get(f"/feeds/boards/{PUBLIC}"))) == ["Third", "Second", "First"]


def test_members_only_boards_have_no_feed(client, author):
    f.thread(author, board=f.board(PRIVATE), title="Private leadership talk")
    f.sign_in(client, author)  # even for a member: a feed is what a visitor may read
    assert client.get(f"/feeds/boards/{PRIVATE}").status_code == 404


@pytest.mark.parametrize("url", ["/feeds/nothing", "/feeds/boards/no-such-board", "/feeds/boards",
                                 "/feeds/discussions/extra", "/feeds/alliances/%00",
                                 "/feeds/professions/x" + "y" * 100, "/feeds/Boards/introductions"])
def test_unknown_feeds_are_not_found(client, db, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/feeds/discussions", "/feeds/alliances/north-central-london",
                                 "/feeds/professions/gp"])
def test_members_only_threads_never_reach_site_alliance_or_profession_feeds(client, author, url):
    f.sign_in(client, author)  # a member asking changes nothing: feeds are read as a visitor
    for board in (PUBLIC, PRIVATE):
        f.thread(author, board=f.board(board), title=f"On {board}", alliance=f.alliance(),
                 professions=[f.profession("gp")])
    assert titles(parsed(client.get(url))) == [f"On {PUBLIC}"]


def test_hidden_and_waiting_discussions_stay_out(client, author):
    board = f.board(PUBLIC)
    f.thread(author, board=board, title="Shown")
    f.thread(author, board=board, title="Waiting", hold="possible patient data")
    hidden = f.thread(author, board=board, title="Hidden")
    moderation.hide_thread(f.moderator(), hidden, reason="Off topic")
    assert titles(parsed(client.get("/feeds/discussions"))) == ["Shown"]


def test_a_thread_moved_to_a_members_only_board_leaves_every_feed(client, author):
    thread = f.thread(author, board=f.board(PUBLIC), title="Moving", alliance=f.alliance(),
                      professions=[f.profession("gp")])
    moderation.move_thread(f.moderator(), thread, board=f.board(PRIVATE), alliance=f.alliance(),
                           professions=[f.profession("gp")])
    for url in ("/feeds/discussions", f"/feeds/boards/{PUBLIC}",
                "/feeds/alliances/north-central-london", "/feeds/professions/gp"):
        assert titles(parsed(client.get(url))) == [], url


def test_content_is_the_sanitised_html_never_the_source(client, author):
    f.thread(author, board=f.board(PUBLIC), body="Hi <script>alert(1)</script> *there*")
    (entry,) = parsed(client.get("/feeds/discussions")).entries
    raw = client.get("/feeds/discussions").get_data(as_text=True)
    assert "<em>there</em>" in entry.content[0].value
    # Read the raw XML (feedparser strips scripts itself): a tag inside type="html" content
    # would be "&lt;script"; the text the sanitiser kept of it is escaped once more.
    assert "<script" not in raw and "&lt;script" not in raw.replace("&amp;lt;script", "")


def test_head_requests_are_answered_without_a_body(client, author):
    f.thread(author, board=f.board(PUBLIC))
    response = client.head("/feeds/discussions")
    assert response.status_code == 200 and response.get_data() == b"" and response.headers["ETag"]


def test_a_hidden_opening_post_leaves_only_a_plain_note(client, author):
    thread = f.thread(author, board=f.board(PUBLIC), body="A phone number 020 7946 0000")
    opening = _db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    moderation.hide_post(f.moderator(), opening, reason="Contact details")
    (entry,) = parsed(client.get("/feeds/discussions")).entries
    assert "content" not in entry and "7946" not in entry.summary
    assert entry.summary.startswith("The opening post is not shown here.")


def test_pan_london_feed_holds_threads_for_every_alliance(client, author):
    f.thread(author, board=f.board(PUBLIC), title="For all", alliance=None)
    f.thread(author, board=f.board(PUBLIC), title="For NCL", alliance=f.alliance())
    assert titles(parsed(client.get("/feeds/alliances/pan-london-national"))) == ["For all"]
    assert titles(parsed(client.get("/feeds/alliances/north-central-london"))) == ["For NCL"]


def test_empty_feed_is_valid(client, db):
    feed = parsed(client.get("/feeds/professions/dietitian"))
    assert feed.entries == [] and feed.feed.updated


def test_feed_readers_get_a_publicly_cacheable_feed(client, author):
    f.thread(author, board=f.board(PUBLIC))
    response = client.get("/feeds/discussions")
    assert response.cache_control.public and response.cache_control.max_age == 300
    assert "Set-Cookie" not in response.headers


def test_a_signed_in_browser_may_keep_the_feed_but_shared_caches_may_not(client, author):
    """Its answer can refresh the session cookie: public would let a proxy hand that on."""
    f.sign_in(client, author)
    f.thread(author, board=f.board(PUBLIC))
    response = client.get("/feeds/discussions")
    assert response.cache_control.private and not response.cache_control.public
    assert response.cache_control.max_age == 300 and not response.cache_control.no_store


def test_feed_answers_304_when_unchanged(client, author):
    f.thread(author, board=f.board(PUBLIC))
    first = client.get("/feeds/discussions")
    assert first.status_code == 200
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/feeds/discussions", headers={"If-None-Match": etag}).status_code == 304
    again = client.get("/feeds/discussions", headers={"If-Modified-Since": modified})
    assert again.status_code == 304 and again.get_data() == b""
    f.thread(author, board=f.board(PUBLIC), title="Something new")
    changed = client.get("/feeds/discussions", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_hiding_a_thread_changes_the_etag(client, author):
    board = f.board(PUBLIC)
    f.thread(author, board=board)
    later = f.thread(author, board=board)
    etag = client.get("/feeds/discussions").headers["ETag"]
    moderation.hide_thread(f.moderator(), later, reason="Off topic")
    assert client.get("/feeds/discussions", headers={"If-None-Match": etag}).status_code == 200


def test_characters_xml_cannot_hold_do_not_break_the_feed(client, author):
    thread = f.thread(author, board=f.board(PUBLIC), title="Clean title")
    thread.title = "Odd\x0b title\x1f"  # stored before today's checks, say
    _db.session.commit()
    assert titles(parsed(client.get("/feeds/discussions"))) == ["Odd title"]


def counted(client, count_queries, url: str) -> int:
    _db.session.expunge_all()
    g.pop("_login_user", None)
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    return q.count


@pytest.mark.parametrize("url", ["/feeds/discussions", f"/feeds/boards/{PUBLIC}",
                                 "/feeds/alliances/north-central-london", "/feeds/professions/gp"])
def test_feed_queries_do_not_grow_with_its_length(client, author, count_queries, url):
    author_id = author.id

    def add(n: int) -> None:
        for _ in range(n):
            f.thread(f.member(), board=f.board(PUBLIC), alliance=f.alliance(),
                     professions=[f.profession("gp"), f.profession("dietitian")])
        _db.session.get(type(author), author_id)

    add(1)
    one = counted(client, count_queries, url)
    add(49)
    assert counted(client, count_queries, url) == one
    assert len(parsed(client.get(url)).entries) == 30  # a feed holds the newest 30


def test_other_domains_add_feeds_through_the_registry(app, client, db):
    """How QI write-ups and events will add theirs: no change to forum/feeds."""
    when = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)

    def events(slug):
        if slug is not None:
            return None
        return Feed(id="tag:forum.test,2026:feed/events", title="Events", link="http://forum.test/",
                    entries=[Entry(id="tag:forum.test,2026:event/1", title="Webinar",
                                   link="http://forum.test/events/1", published=when,
                                   updated=when, author="Organisers", summary="A webinar.")])

    register_feed(app, "test-events", events)
    try:
        feed = parsed(client.get("/feeds/test-events"))
        assert titles(feed) == ["Webinar"] and feed.entries[0].summary == "A webinar."
        assert client.get("/feeds/test-events/x").status_code == 404
        with pytest.raises(ValueError, match="already registered"):
            register_feed(app, "test-events", lambda slug: None)
    finally:
        app.extensions["feeds"].pop("test-events")


# --- links from the pages ---------------------------------------------------------------------

@pytest.mark.parametrize(("page", "feed"), [
    ("/", "/feeds/discussions"),
    ("/discussions", "/feeds/discussions"),
    (f"/boards/{PUBLIC}", f"/feeds/boards/{PUBLIC}"),
    ("/alliances/north-central-london", "/feeds/alliances/north-central-london"),
    ("/professions/gp", "/feeds/professions/gp"),
])
def test_pages_link_their_feed_in_the_head_and_visibly(client, db, page, feed):
    html = client.get(page).get_data(as_text=True)
    head = html.split("</head>")[0]
    assert '<link rel="alternate" type="application/atom+xml" title="' in head
    assert f'href="{feed}"' in head
    assert f'href="{feed}" type="application/atom+xml" id="feed-link"' in html
    parsed(client.get(feed))  # and the linked feed is there


def test_a_members_only_board_page_links_no_feed(client, author):
    f.sign_in(client, author)
    html = client.get(f"/boards/{PRIVATE}").get_data(as_text=True)
    assert "application/atom+xml" not in html
