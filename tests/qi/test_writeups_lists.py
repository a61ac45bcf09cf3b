"""The /qi list (filters, sort, drafts, pagination), hubs and profiles: constant queries."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from forum.extensions import db
from forum.qi import services
from forum.qi.models import DataPoint, Measure, WriteUp
from tests import factories as f


def shared(author, title, **fields):
    writeup = services.start_writeup(author, title=title, summary="Summary", **fields)
    return services.publish_writeup(author, writeup)


@pytest.fixture
def viewer(client, db):
    user = f.member(display_name="Reader Person")
    f.sign_in(client, user)
    return user


def test_lists_published_only_and_the_viewers_drafts_apart(client, author, viewer):
    shared(author, "Published one")
    services.start_writeup(author, title="Someone's draft")
    mine = services.start_writeup(viewer, title="My own draft")
    page = client.get("/qi/").text
    assert "Published one" in page and "Someone&#39;s draft" not in page
    assert "Your write-ups not yet published" in page and f"writeup-{mine.id}" in page


@pytest.mark.parametrize("query, expected", [
    ("setting=community", {"Lymphoedema"}),
    ("status=completed", {"HNA"}),
    ("alliance=south-east-london", {"Lymphoedema"}),
    ("alliance=pan-london-national", {"Delirium"}),
    ("profession=gp", {"HNA"}),
    ("has_data=y", {"Delirium"}),
    ("replicated=y", {"HNA"}),
    ("setting=moon", {"HNA", "Lymphoedema", "Delirium"}),  # refused quietly, all shown
])
def test_filters_narrow_the_list(client, author, viewer, query, expected):
    hna = shared(author, "HNA", status="completed", alliance=f.alliance(),
                 professions=[f.profession("gp")])
    shared(author, "Lymphoedema", setting="community", alliance=f.alliance("south-east-london"))
    delirium = shared(author, "Delirium")
    measure = Measure(writeup_id=delirium.id, name="Screened")
    db.session.add(measure)
    db.session.flush()
    db.session.add(DataPoint(measure_id=measure.id, period=date(2024, 1, 1), value=3))
    db.session.execute(update(WriteUp).where(WriteUp.id == hna.id).values(replica_count=2))
    db.session.commit()
    page = client.get(f"/qi/?{query}").text
    shown = {t for t in ("HNA", "Lymphoedema", "Delirium") if f">{t}</a>" in page}
    assert shown == expected


def test_sort_by_most_replicated(client, author, viewer):
    shared(author, "Older but copied")
    shared(author, "Newest")
    db.session.execute(update(WriteUp).where(WriteUp.title == "Older but copied")
                       .values(replica_count=3))
    db.session.commit()
    newest = client.get("/qi/").text
    assert newest.index(">Newest</a>") < newest.index(">Older but copied</a>")
    replicated = client.get("/qi/?sort=replicated").text
    assert replicated.index(">Older but copied</a>") < replicated.index(">Newest</a>")


def test_visitors_see_only_public_write_ups(client, author):
    services.make_public(f.admin(), shared(author, "Open to all"), True)
    shared(author, "Members only")
    page = client.get("/qi/").text
    assert "Open to all" in page and "Members only" not in page


def _many(author, n):
    for i in range(n):
        shared(author, f"Project {i}", alliance=f.alliance(),
               professions=[f.profession(), f.profession("gp")])


@pytest.mark.parametrize("url", ["/qi/", "/qi/?sort=replicated&has_data=y",
                                 "/alliances/north-central-london", "/professions/gp"])
def test_lists_use_the_same_number_of_queries_for_1_and_50(client, author, viewer,
                                                           count_queries, url):
    _many(author, 1)
    client.get(url)
    with count_queries() as one:
        assert client.get(url).status_code == 200
    _many(author, 49)
    with count_queries() as fifty:
        assert client.get(url).status_code == 200
    assert one.count == fifty.count


def test_profile_credits_the_team(client, author, viewer):
    from forum.qi import team

    writeup = services.start_writeup(author, title="Credited project", summary="S")
    team.add_team_member(author, writeup, name=viewer.display_name, role="Patient partner")
    services.publish_writeup(author, writeup)
    page = client.get(f"/members/{viewer.id}").text
    assert "QI projects" in page and "Credited project" in page


def test_hubs_show_their_write_ups(client, author, viewer):
    shared(author, "North central project", alliance=f.alliance())
    assert "North central project" in client.get("/alliances/north-central-london").text
    assert "North central project" not in client.get("/alliances/south-east-london").text
