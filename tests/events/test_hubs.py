"""An alliance's and a profession's page lists their next events, with a link to the rest."""

from datetime import timedelta

from forum.db import utcnow
from forum.extensions import db as _db
from forum.members.models import User
from tests import factories
from tests.community.test_views import counted_get
from tests.events.conftest import make_event


def _soon(days: int) -> dict:
    return {"starts_at": (utcnow() + timedelta(days=days)).replace(microsecond=0)}


def test_an_alliance_page_shows_its_next_events_and_links_to_them_all(client, organiser):
    ncl, sel = factories.alliance(), factories.alliance("south-east-london")
    ours = [make_event(organiser, title=f"NCL workshop {d}", alliance=ncl, **_soon(d)) for d in (3, 5, 9, 12)]
    make_event(organiser, title="South East only", alliance=sel)
    make_event(organiser, title="NCL draft", alliance=ncl, publish=False)
    page = client.get(f"/alliances/{ncl.slug}").get_data(as_text=True)
    assert [f"NCL workshop {d}" in page for d in (3, 5, 9, 12)] == [True, True, True, False]
    assert "South East only" not in page and "NCL draft" not in page
    assert f'href="/events?alliance={ncl.id}">See all 4 upcoming events' in page
    listed = client.get(f"/events?alliance={ncl.id}").get_data(as_text=True)
    assert all(e.title in listed for e in ours)


def test_a_profession_page_shows_events_for_that_profession(client, organiser):
    physio, gpn = factories.profession("physiotherapist"), factories.profession()
    make_event(organiser, title="Lymphoedema for physios", professions=[physio])
    make_event(organiser, title="Cervical screening update", professions=[gpn])
    page = client.get(f"/professions/{physio.slug}").get_data(as_text=True)
    assert "Lymphoedema for physios" in page and "Cervical screening update" not in page
    assert f'href="/events?profession={physio.id}"' in page


def test_members_only_events_are_not_shown_to_visitors(client, organiser):
    ncl = factories.alliance()
    make_event(organiser, title="Members-only clinic", alliance=ncl, is_public=False)
    assert "Members-only clinic" not in client.get(f"/alliances/{ncl.slug}").get_data(as_text=True)
    factories.sign_in(client, factories.member())
    assert "Members-only clinic" in client.get(f"/alliances/{ncl.slug}").get_data(as_text=True)


def test_with_no_events_the_page_says_so(client, db):
    page = client.get(f"/alliances/{factories.alliance().slug}").get_data(as_text=True)
    assert "No events are planned here yet." in page


def test_the_alliance_page_takes_the_same_queries_for_1_or_10_events(client, organiser, count_queries):
    ncl = factories.alliance()
    make_event(organiser, alliance=ncl)
    slug, organiser_id = ncl.slug, organiser.id
    one = counted_get(client, count_queries, f"/alliances/{slug}")
    organiser, ncl = _db.session.get(User, organiser_id), factories.alliance()
    for d in range(9):
        make_event(organiser, alliance=ncl, **_soon(d + 2))
    assert counted_get(client, count_queries, f"/alliances/{slug}") == one
