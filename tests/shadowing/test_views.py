"""Shadowing over HTTP: members only, the forms' messages, contact details only for the two
after acceptance (never an email address elsewhere), and constant queries for the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.shadowing import services
from forum.shadowing.models import InterestStatus, ShadowingInterest, ShadowingOffer
from tests import factories
from tests.shadowing.helpers import offer


def _form(**kw) -> dict:
    data = {"kind": "offer", "title": "Hospice day unit, Sydenham", "places": "2",
            "expires_on": (services.london_today() + timedelta(days=20)).isoformat(),
            "what_you_see": "Day hospice: therapies, the doctor's clinic."}
    data.update(kw)
    return data


@pytest.mark.parametrize("path", ["/shadowing", "/shadowing/new", "/shadowing/mine",
                                  "/shadowing/{id}", "/shadowing/interests/{iid}"])
def test_every_page_asks_visitors_to_sign_in(client, db, path):
    host = factories.member()
    posted = offer(host)
    interest = services.express_interest(factories.member(), posted, message="Hello")
    response = client.get(path.format(id=posted.id, iid=interest.id))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_member_posts_an_offer(client, db):
    member = factories.member()
    factories.sign_in(client, member)
    form = client.get("/shadowing/new").get_data(as_text=True)
    assert 'value="Test Practice"' in form  # the member's organisation, filled in
    response = client.post("/shadowing/new", data=_form())
    assert response.status_code == 303
    posted = db.session.scalars(select(ShadowingOffer)).one()
    assert posted.author_id == member.id and posted.places == 2
    assert "Hospice day unit, Sydenham" in client.get("/shadowing").get_data(as_text=True)


@pytest.mark.parametrize(("change", "message"), [
    ({"title": ""}, "Enter the service"),
    ({"expires_on": "2001-01-01"}, "The end date must be today or later"),
    ({"expires_on": "31/02/2027"}, "Enter a real date"),
    ({"places": "0"}, "Enter the number of places, from 1 to 50"),
    ({"places": "two"}, "Enter the number of places as a whole number"),
    ({"alliance": "abc"}, "Choose an alliance from the list"),
])
def test_bad_input_is_shown_beside_the_field_keeping_what_was_typed(client, db, change, message):
    factories.sign_in(client, factories.member())
    response = client.post("/shadowing/new", data=_form(what_you_see="Kept words", **change))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and "Kept words" in page


def test_offer_express_interest_accept_then_contact_details_for_the_two(client, db):
    host = factories.member(email="host.private@nhs.net", display_name="Hana Host")
    visitor = factories.member(email="visitor.private@nhs.net", display_name="Vic Visitor")
    posted = offer(host, contact_details="Call the unit on 020 7946 0000")
    factories.sign_in(client, visitor)
    page = client.get(f"/shadowing/{posted.id}").get_data(as_text=True)
    assert "020 7946 0000" not in page and "host.private" not in page
    response = client.post(f"/shadowing/{posted.id}/interest",
                           data={"message": "I run cancer care reviews and would love to come."})
    assert response.status_code == 303
    interest = db.session.scalars(select(ShadowingInterest)).one()
    page = client.get(f"/shadowing/interests/{interest.id}").get_data(as_text=True)
    assert "020 7946 0000" not in page and "Contact details are shared when" in page

    factories.sign_in(client, host)
    page = client.get(f"/shadowing/{posted.id}").get_data(as_text=True)
    assert "I run cancer care reviews" in page and "visitor.private" not in page
    assert client.post(f"/shadowing/interests/{interest.id}/accept").status_code == 303
    page = client.get(f"/shadowing/interests/{interest.id}").get_data(as_text=True)
    assert "visitor.private@nhs.net" in page  # no details given: the account address, to the host only

    factories.sign_in(client, visitor)
    assert "020 7946 0000" in client.get(f"/shadowing/interests/{interest.id}").get_data(as_text=True)
    factories.sign_in(client, factories.member())
    assert client.get(f"/shadowing/interests/{interest.id}").status_code == 404
    assert "020 7946 0000" not in client.get(f"/shadowing/{posted.id}").get_data(as_text=True)


def test_someone_else_cannot_answer_an_interest(client, db):
    host = factories.member()
    interest = services.express_interest(factories.member(), offer(host), message="Hello")
    factories.sign_in(client, factories.member())
    assert client.post(f"/shadowing/interests/{interest.id}/accept").status_code == 404
    db.session.expire_all()
    assert db.session.get(ShadowingInterest, interest.id).status == InterestStatus.PENDING


def test_an_empty_message_is_refused_beside_the_field(client, db):
    posted = offer(factories.member())
    factories.sign_in(client, factories.member())
    response = client.post(f"/shadowing/{posted.id}/interest", data={"message": " "})
    assert response.status_code == 422
    assert "Write a short message" in response.get_data(as_text=True)


def test_marking_done_with_bad_hours_keeps_the_date(client, db):
    host, visitor = factories.member(), factories.member()
    interest = services.express_interest(visitor, offer(host), message="Hello")
    services.accept_interest(host, interest)
    factories.sign_in(client, visitor)
    day = (services.london_today() - timedelta(days=1)).isoformat()
    response = client.post(f"/shadowing/interests/{interest.id}/done",
                           data={"visit_date": day, "hours": "lots"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Enter the hours as a number" in page
    assert f'value="{day}"' in page
    assert client.post(f"/shadowing/interests/{interest.id}/done",
                       data={"visit_date": day, "hours": "3.5"}).status_code == 303


def test_a_moderator_hides_an_offer_with_a_reason(client, db):
    posted = offer(factories.member())
    factories.sign_in(client, factories.moderator())
    assert client.post(f"/shadowing/{posted.id}/hide", data={"reason": ""}).status_code == 422
    assert client.post(f"/shadowing/{posted.id}/hide",
                       data={"reason": "Not a shadowing offer"}).status_code == 303
    factories.sign_in(client, factories.member())
    assert client.get(f"/shadowing/{posted.id}").status_code == 404


def test_members_cannot_reach_the_hide_page(client, db):
    posted = offer(factories.member())
    factories.sign_in(client, factories.member())
    assert client.get(f"/shadowing/{posted.id}/hide").status_code == 403


@pytest.mark.parametrize("query", ["?kind=x", "?profession=abc", "?alliance=%00", "?page=0",
                                   "?show=all"])
def test_odd_filters_are_ignored_not_errors(client, db, query):
    factories.sign_in(client, factories.member())
    assert client.get(f"/shadowing{query}").status_code == 200


def test_the_list_costs_the_same_queries_for_1_and_30_offers(client, db, count_queries):
    hosts = [factories.member() for _ in range(3)]
    offer(hosts[0], alliance=factories.alliance(), profession=factories.profession())
    viewer = factories.member()
    factories.sign_in(client, viewer)
    client.get("/shadowing")
    with count_queries() as one:
        client.get("/shadowing")
    for i in range(29):
        offer(hosts[i % 3], title=f"Clinic {i}", alliance=factories.alliance(),
              profession=factories.profession())
    with count_queries() as many:
        page = client.get("/shadowing").get_data(as_text=True)
    assert page.count('class="thread-list__item"') == 30
    assert many.count == one.count


def test_expressing_interest_is_rate_limited_beside_the_message(app, database_url, tmp_path, db):
    from forum.extensions import db as _db
    from forum.members.models import User
    from tests.conftest import rate_limited_app

    host, member = factories.member(), factories.member()
    offers = [offer(host, title=f"Clinic {i}").id for i in range(3)]
    with rate_limited_app(app, database_url, tmp_path,
                          SHADOWING_INTEREST_RATE_LIMIT="2 per hour") as limited:
        client = limited.test_client()
        with limited.app_context():
            factories.sign_in(client, _db.session.get(User, member.id))
            responses = [client.post(f"/shadowing/{i}/interest", data={"message": f"Hello {i}"})
                         for i in offers]
    assert [r.status_code for r in responses] == [303, 303, 429]
    page = responses[-1].get_data(as_text=True)
    assert "Wait an hour" in page and f"Hello {offers[-1]}" in page
