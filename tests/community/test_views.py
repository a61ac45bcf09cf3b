"""The home page and the alliance and profession pages."""

from __future__ import annotations

import pytest
from flask import g

from forum.extensions import db as _db
from forum.members.models import Status, User
from tests import factories as f


def page(response) -> str:
    return response.get_data(as_text=True)


def counted_get(client, count_queries, url: str) -> int:
    """Queries of one request with nothing cached (tests share the request's session)."""
    _db.session.expunge_all()
    g.pop("_login_user", None)
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200, url
    return q.count


# --- home -----------------------------------------------------------------------------------

def test_visitor_gets_a_welcome_with_join_and_sign_in(client, db):
    html = page(client.get("/"))
    assert 'id="welcome"' in html
    assert 'href="/register"' in html and 'href="/login"' in html


def test_members_get_no_welcome(client, db):
    f.sign_in(client, f.member())
    assert 'id="welcome"' not in page(client.get("/"))


def test_home_lists_boards_with_counts_and_latest_thread(client, db):
    author = f.member(display_name="Eve Radiographer")
    f.sign_in(client, author)
    thread = f.thread(author, title="Radiotherapy skin care")
    f.reply(author, thread)
    html = page(client.get("/"))
    for board in ("Introductions", "Clinical leadership", "Shadowing"):
        assert board in html
    assert "1 discussion, 2 posts" in html
    assert "Radiotherapy skin care" in html and "Eve Radiographer" in html


def test_visitor_does_not_see_latest_thread_titles_of_members_only_boards(client, db):
    author = f.member()
    f.thread(author, board=f.board("introductions"), title="Public welcome thread")
    f.thread(author, board=f.board("clinical-leadership"), title="Private leadership talk")
    html = page(client.get("/"))
    assert "Public welcome thread" in html
    assert "Private leadership talk" not in html
    assert "Members only" in html


def test_home_query_count_does_not_grow_with_boards_activity(client, db, count_queries):
    member = f.member()
    f.sign_in(client, member)
    before = counted_get(client, count_queries, "/")
    author = _db.session.get(User, member.id)
    for slug in ("introductions", "clinical-leadership", "shadowing", "quality-improvement"):
        for _ in range(3):
            f.thread(author, board=f.board(slug))
    assert counted_get(client, count_queries, "/") == before


# --- alliances ----------------------------------------------------------------------------

def test_alliances_are_listed(client, db):
    html = page(client.get("/alliances"))
    for name in ("North Central London", "North East London", "South East London",
                 "RM Partners – West London", "Pan-London"):
        assert name in html


def test_alliance_page_lists_its_threads_and_members(client, db):
    viewer = f.member(display_name="Fay Viewer")
    f.sign_in(client, viewer)
    mine = f.thread(viewer, alliance=f.alliance("north-central-london"), title="Camden clinics")
    f.thread(viewer, alliance=f.alliance("south-east-london"), title="Lewisham clinics")
    f.member(display_name="Gus South", alliance_slug="south-east-london")
    html = page(client.get("/alliances/north-central-london"))
    assert "Camden clinics" in html and "Lewisham clinics" not in html
    assert f'href="/threads/{mine.id}"' in html
    assert "Fay Viewer" in html and "Gus South" not in html


def test_pan_london_page_lists_threads_for_everyone(client, db):
    viewer = f.member(alliance_slug="pan-london-national", display_name="Hal Pan")
    f.sign_in(client, viewer)
    f.thread(viewer, alliance=None, title="For every alliance")
    f.thread(viewer, alliance=f.alliance(), title="Only north central")
    html = page(client.get("/alliances/pan-london-national"))
    assert "For every alliance" in html and "Only north central" not in html
    assert "Hal Pan" in html


def test_visitors_do_not_see_who_belongs(client, db):
    f.member(display_name="Ivy Private")
    html = page(client.get("/alliances/north-central-london"))
    assert "Ivy Private" not in html and "Only members can see who belongs" in html


def test_suspended_and_pending_members_are_not_listed(client, db):
    f.sign_in(client, f.member())
    f.member(display_name="Jo Suspended", status=Status.SUSPENDED)
    f.member(display_name="Kim Pending", status=Status.PENDING)
    html = page(client.get("/alliances/north-central-london"))
    assert "Jo Suspended" not in html and "Kim Pending" not in html


def test_alliance_page_shows_only_threads_the_viewer_may_see(client, db):
    author = f.member()
    f.thread(author, board=f.board("introductions"), alliance=f.alliance(), title="Open to all")
    f.thread(author, alliance=f.alliance(), title="Members only thread")
    html = page(client.get("/alliances/north-central-london"))
    assert "Open to all" in html and "Members only thread" not in html


@pytest.mark.parametrize("url", ["/alliances/nowhere", "/professions/astronaut",
                                 "/alliances/%00", "/professions/" + "x" * 500])
def test_unknown_alliance_or_profession_is_404(client, db, url):
    assert client.get(url).status_code == 404


# --- professions --------------------------------------------------------------------------

def test_professions_are_listed_by_group(client, db):
    html = page(client.get("/professions"))
    assert "Allied health professions" in html
    assert html.index("Allied health professions") < html.index("Dietitian")
    assert 'href="/professions/patient-partner"' in html


def test_profession_page_lists_tagged_threads_and_its_members(client, db):
    viewer = f.member(display_name="Lou Dietitian", profession_slug="dietitian")
    f.sign_in(client, viewer)
    f.thread(viewer, professions=[f.profession("dietitian")], title="Nutrition in cachexia")
    f.thread(viewer, professions=[f.profession("gp")], title="GP referrals")
    f.member(display_name="Max GP", profession_slug="gp")
    html = page(client.get("/professions/dietitian"))
    assert "Nutrition in cachexia" in html and "GP referrals" not in html
    assert "Lou Dietitian" in html and "Max GP" not in html


@pytest.mark.parametrize("url", ["/alliances/north-central-london", "/professions/gp"])
def test_community_pages_query_count_does_not_grow(client, db, count_queries, url):
    viewer_id = f.member(profession_slug="gp").id
    f.sign_in(client, _db.session.get(User, viewer_id))

    def add(n: int) -> None:
        viewer = _db.session.get(User, viewer_id)
        for _ in range(n):
            f.member(profession_slug="gp")
            f.thread(viewer, alliance=f.alliance(), professions=[f.profession("gp")])

    add(1)
    first = counted_get(client, count_queries, url)
    add(24)
    assert counted_get(client, count_queries, url) == first
    assert page(client.get(url)).count('class="thread-list__item') == 25
