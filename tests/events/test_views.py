"""The event pages over HTTP: who sees what, the forms' messages, one-POST sign-up, queries."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.db import utcnow
from forum.events import services, signups
from forum.events.models import Event, EventStatus, Signup, SignupStatus
from tests import factories
from tests.events.conftest import make_event


def _form(**kw) -> dict:
    start = utcnow() + timedelta(days=10)
    data = {"title": "Dementia and delirium webinar", "kind": "webinar",
            "start_date": f"{start:%Y-%m-%d}", "start_time": "12:30",
            "end_date": f"{start:%Y-%m-%d}", "end_time": "13:30", "capacity": "40",
            "joining_link": "https://zoom.example/j/1", "description": "All **welcome**.",
            "is_public": "y"}
    data.update(kw)
    return data


def test_an_organiser_creates_a_draft_and_publishes_it(client, organiser, db):
    factories.sign_in(client, organiser)
    response = client.post("/events/new", data=_form())
    assert response.status_code == 303
    event = db.session.scalars(select(Event)).one()
    assert event.status == EventStatus.DRAFT
    assert client.post(f"/events/{event.id}/publish").status_code == 303
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "12:30pm" in page and "All <strong>welcome</strong>." in page


@pytest.mark.parametrize(("change", "message"), [
    ({"start_date": "2030-03-31", "end_date": "2030-03-31", "start_time": "01:30", "end_time": "03:00"},
     "1:30am on 31 March 2030 does not exist in London"),
    ({"end_time": "12:00"}, "The end must be after the start"),
    ({"capacity": "0"}, "Enter the number of places, 1 or more"),
    ({"capacity": "-3"}, "Enter the number of places, 1 or more"),
    ({"capacity": "lots"}, "Enter the number of places, 1 or more, as a whole number"),
    ({"start_date": "2030-02-31"}, "Enter a real date, for example 27/10/2026"),
    ({"start_time": "25:99"}, "Enter a time on the 24-hour clock"),
    ({"description": "x" * 70_000}, "The description must be"),
    ({"kind": "face-to-face"}, "Enter the address of the venue"),
])
def test_bad_input_is_shown_beside_the_field_with_the_text_kept(client, organiser, change, message):
    factories.sign_in(client, organiser)
    response = client.post("/events/new", data=_form(title="Kept title", **change))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'value="Kept title"' in page


def test_an_ambiguous_october_time_asks_which_one_and_the_answer_is_kept(client, organiser, db):
    factories.sign_in(client, organiser)
    data = _form(start_date="2030-10-27", end_date="2030-10-27", start_time="01:30", end_time="03:00")
    page = client.post("/events/new", data=data).get_data(as_text=True)
    assert "happens twice in London" in page
    assert "The second 1:30am, Greenwich Mean Time (GMT, UTC+0)" in page
    assert client.post("/events/new", data={**data, "start_fold": "later"}).status_code == 303
    event = db.session.scalars(select(Event)).one()
    assert event.starts_at.hour == 1 and event.starts_at.minute == 30  # 01:30 GMT is 01:30 UTC
    page = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="start_fold" type="radio" value="later"', page)


def test_sign_up_and_cancel_are_one_post_each(client, db, organiser):
    event = make_event(organiser)
    person = factories.member()
    factories.sign_in(client, person)
    assert client.post(f"/events/{event.id}/sign-up").status_code == 303
    assert client.post(f"/events/{event.id}/sign-up").status_code == 303
    signup = db.session.scalars(select(Signup)).one()
    assert signup.status == SignupStatus.CONFIRMED
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "You have a place." in page and "https://teams.example/join/abc" in page
    assert client.post(f"/events/{event.id}/cancel-place").status_code == 303
    db.session.expire_all()
    assert db.session.get(Signup, signup.id).status == SignupStatus.CANCELLED
    assert "https://teams.example/join/abc" not in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_a_full_event_offers_the_waiting_list(client, organiser):
    event = make_event(organiser, capacity=1)
    signups.sign_up(factories.member(), event)
    factories.sign_in(client, factories.member())
    assert "Join the waiting list" in client.get(f"/events/{event.id}").get_data(as_text=True)
    client.post(f"/events/{event.id}/sign-up")
    assert "You are number 1 on the waiting list." in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_visitors_see_public_events_and_are_asked_to_join(client, organiser):
    public = make_event(organiser, title="Open webinar")
    members = make_event(organiser, title="Members webinar", is_public=False)
    listing = client.get("/events").get_data(as_text=True)
    assert "Open webinar" in listing and "Members webinar" not in listing
    page = client.get(f"/events/{public.id}").get_data(as_text=True)
    assert "join the community</a> to sign up" in page
    assert "teams.example" not in page
    asked = client.get(f"/events/{members.id}")  # members-only: visitors are asked to sign in
    assert asked.status_code == 302 and "/login" in asked.location
    assert client.post(f"/events/{public.id}/sign-up").status_code == 302  # to sign in


def test_a_guest_signs_up_through_the_form_and_the_link(client, db, organiser, smtp_server, deliver):
    event = make_event(organiser, allow_guests=True)
    response = client.post(f"/events/{event.id}/guest", data={
        "name": "Gita Guest", "email": "gita@example.org", "profession": "Dietitian",
        "organisation": "St Hospice"})
    assert "Check your email" in response.get_data(as_text=True)
    deliver()
    (message,) = smtp_server.wait_for(1)
    link = next(line for line in message.get_content().splitlines() if "/events/guest/" in line)
    path = link.replace("http://forum.test", "")
    assert "Confirm my place" in client.get(path).get_data(as_text=True)
    assert client.post(path).status_code == 303
    assert db.session.scalars(select(Signup)).one().status == SignupStatus.CONFIRMED
    assert client.get("/events/guest/forged").status_code == 400


def test_the_guest_form_keeps_what_was_typed_beside_its_message(client, organiser):
    event = make_event(organiser, allow_guests=True)
    response = client.post(f"/events/{event.id}/guest", data={"name": "Gita", "email": "not-an-email"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in page and 'value="Gita"' in page


def test_cancelling_after_the_start_is_refused_with_the_reason_on_the_page(client, db, organiser):
    event = make_event(organiser)
    person = factories.member()
    signups.sign_up(person, event)
    event.starts_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    factories.sign_in(client, person)
    assert "already started" in client.get(f"/events/{event.id}").get_data(as_text=True)
    page = client.post(f"/events/{event.id}/cancel-place", follow_redirects=True).get_data(as_text=True)
    assert "already started" in page


ORGANISER_PAGES = [("get", "/events/new"), ("post", "/events/new"), ("get", "/events/{id}/edit"),
                   ("post", "/events/{id}/edit"), ("post", "/events/{id}/publish"),
                   ("get", "/events/{id}/cancel"), ("post", "/events/{id}/cancel"),
                   ("get", "/events/{id}/people"), ("get", "/events/mine")]
ADMIN_PAGES = [("get", "/events/organisers"), ("post", "/events/organisers"),
               ("post", "/events/organisers/{uid}/remove")]


@pytest.mark.parametrize(("method", "url"), ORGANISER_PAGES + ADMIN_PAGES)
@pytest.mark.parametrize("who", ["visitor", "member", "moderator", "other_organiser"])
def test_organiser_pages_are_refused_to_others(client, organiser, method, url, who):
    event = make_event(organiser, publish=False)
    if who != "visitor":
        person = factories.moderator() if who == "moderator" else factories.member()
        if who == "other_organiser":
            services.grant_organiser(organiser, person)
        factories.sign_in(client, person)
    response = getattr(client, method)(url.format(id=event.id, uid=organiser.id), data={"email": "x@nhs.net"})
    if who == "visitor":
        assert response.status_code == 302 and "/login" in response.location
    elif who == "other_organiser" and url in ("/events/new", "/events/mine"):
        assert response.status_code == 200
    elif "{id}" in url:
        assert response.status_code == 404  # someone else's draft does not exist for them
    else:
        assert response.status_code == 403


def test_an_admin_makes_a_member_an_event_organiser(client, db, organiser):
    member = factories.member(email="nina@nhs.net")
    factories.sign_in(client, organiser)
    client.post("/events/organisers", data={"email": "Nina@nhs.net"})
    assert "nina@nhs.net" in client.get("/events/organisers").get_data(as_text=True)
    factories.sign_in(client, member)
    assert client.get("/events/new").status_code == 200
    factories.sign_in(client, organiser)
    client.post(f"/events/organisers/{member.id}/remove")
    factories.sign_in(client, member)
    assert client.get("/events/new").status_code == 403


def test_answers_are_shown_to_organisers_only(client, organiser):
    event = make_event(organiser, questions="Dietary needs")
    person = factories.member()
    factories.sign_in(client, person)
    client.post(f"/events/{event.id}/sign-up", data={"answer_0": "Halal"})
    assert "Halal" not in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert client.get(f"/events/{event.id}/people").status_code == 403
    factories.sign_in(client, organiser)
    assert "Halal" in client.get(f"/events/{event.id}/people").get_data(as_text=True)


def test_filters_narrow_the_list(client, organiser):
    make_event(organiser, title="A webinar")
    make_event(organiser, title="A workshop", kind="face-to-face", venue="1 Road, London")
    page = client.get("/events?kind=face-to-face").get_data(as_text=True)
    assert "A workshop" in page and "A webinar" not in page
    ignored = client.get("/events?kind=nonsense&alliance=abc&profession=-1")
    assert "A webinar" in ignored.get_data(as_text=True)


def test_event_text_is_escaped(client, organiser):
    hostile = '<script>alert(1)</script>'
    event = make_event(organiser, title=hostile, venue=hostile, kind="hybrid", speakers=hostile,
                       description=hostile, questions=hostile, accessibility=hostile)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "<script>alert" not in client.get("/events").get_data(as_text=True)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_list_takes_the_same_number_of_queries_for_1_or_50_events(client, organiser, count_queries,
                                                                       signed_in):
    if signed_in:
        factories.sign_in(client, factories.member())
    make_event(organiser)
    client.get("/events")
    with count_queries() as one:
        client.get("/events")
    for _ in range(49):
        event = make_event(organiser, professions=[factories.profession()], alliance=factories.alliance())
    signups.sign_up(organiser, event)
    with count_queries() as fifty:
        assert client.get("/events").get_data(as_text=True).count('class="thread-list__item"') == 50
    assert fifty.count == one.count


def test_the_patient_data_guard_stops_a_description_until_confirmed(client, db, organiser):
    factories.sign_in(client, organiser)
    data = _form(description="Case study: Mrs Smith, NHS number 943 476 5919, DOB 01/02/1950")
    page = client.post("/events/new", data=data).get_data(as_text=True)
    assert "Check for patient-identifiable information" in page
    assert db.session.scalars(select(Event)).first() is None
    assert client.post("/events/new", data={**data, "pid_confirmed": "yes"}).status_code == 303


def test_a_speaker_given_by_email_is_linked_to_their_profile(client, db, organiser):
    speaker = factories.member(display_name="Dr Speaker", email="speaker@nhs.net")
    factories.sign_in(client, organiser)
    response = client.post("/events/new", data=_form(speakers="Speaker@nhs.net\nProf Outside Guest"))
    assert response.status_code == 303
    event = db.session.scalars(select(Event)).one()
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f'<a href="/members/{speaker.id}">Dr Speaker</a>' in page and "Prof Outside Guest" in page
    page = client.post("/events/new", data=_form(speakers="nobody@nhs.net")).get_data(as_text=True)
    assert "No member has the email address nobody@nhs.net" in page
