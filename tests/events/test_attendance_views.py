"""The after-the-event pages over HTTP: one-POST checklist, import preview then save, walk-ins,
the CSV, outcomes, feedback, "You attended", permissions and query counts."""

import io
import re

import pytest
from sqlalchemy import select

from forum.events import attendance, feedback
from forum.events.models import Attendance, EventFeedback, Signup
from tests import factories
from tests.events.conftest import past_event_with_signups, sample


def _ids(db, event) -> dict[str, int]:
    return {s.name: s.id for s in db.session.scalars(select(Signup).where(Signup.event_id == event.id))}


def _emails(db, event) -> set[str]:
    return set(db.session.scalars(select(Attendance.email).where(Attendance.event_id == event.id)))


ORGANISER_PAGES = [
    ("get", "/events/{id}/attendance"), ("post", "/events/{id}/attendance"),
    ("post", "/events/{id}/attendance/walk-in"), ("post", "/events/{id}/attendance/import"),
    ("post", "/events/{id}/attendance/import/save"), ("post", "/events/{id}/attendance/1/remove"),
    ("get", "/events/{id}/attendees.csv"), ("get", "/events/{id}/outcomes"),
    ("post", "/events/{id}/outcomes"), ("post", "/events/{id}/feedback/open"),
    ("get", "/events/{id}/feedback/summary"),
]


@pytest.mark.parametrize(("method", "url"), ORGANISER_PAGES)
def test_organisers_only(client, db, past_webinar, method, url):
    event, people = past_webinar
    url = url.format(id=event.id)
    assert getattr(client, method)(url).status_code in (302, 303)  # visitors: sign in first
    factories.sign_in(client, people["Tom Reid"])
    assert getattr(client, method)(url).status_code == 403
    assert _emails(db, event) == set()


def test_the_checklist_is_one_post(client, db, organiser, past_webinar):
    event, _ = past_webinar
    ids = _ids(db, event)
    factories.sign_in(client, organiser)
    page = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert f'id="present-{ids["Tom Reid"]}"' in page
    response = client.post(f"/events/{event.id}/attendance",
                           data={"present": [str(ids["Tom Reid"]), str(ids["Priya Shah"]), "junk"]})
    assert response.status_code == 303
    assert _emails(db, event) == {"tom.reid@nhs.net", "priya.shah@nhs.net"}
    page = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert "Attendance saved: 2 added, 0 removed." in page
    assert re.search(rf'id="present-{ids["Tom Reid"]}" checked', page)


def test_import_previews_then_saves_with_choices(client, db, organiser, past_webinar):
    event, _ = past_webinar
    factories.sign_in(client, organiser)
    response = client.post(f"/events/{event.id}/attendance/import", data={
        "report": (io.BytesIO(sample("teams-attendance-report.csv")), "attendance.csv")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Check the report before saving" in page
    assert "7 people: 5 matched to sign-ups and 2 not matched" in page
    assert "Less than 50%" in page and _emails(db, event) == set()
    token = re.search(r'name="report" value="([^"]+)"', page).group(1)
    sam = re.search(r'<tr id="line-(\d+)"><td data-label="In the report">Sam Lee', page).group(1)
    response = client.post(f"/events/{event.id}/attendance/import/save",
                           data={"report": token, f"choice-{sam}": "walk-in"})
    assert response.status_code == 303
    assert _emails(db, event) == {"priya.shah@nhs.net", "grace.okafor@nhs.net",
                                  "dan.hughes@nhs.net", "sam.lee@example.org"}
    client.post(f"/events/{event.id}/attendance/import/save",
                data={"report": token, f"choice-{sam}": "walk-in"})
    page = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert "nothing changed" in page and len(_emails(db, event)) == 4


def test_a_wrong_file_is_explained_beside_the_field(client, organiser, past_webinar):
    event, _ = past_webinar
    factories.sign_in(client, organiser)
    response = client.post(f"/events/{event.id}/attendance/import", data={
        "report": (io.BytesIO(b"Name,Email\nx,y\n"), "people.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "not a Teams or Zoom attendance report" in response.get_data(as_text=True)
    response = client.post(f"/events/{event.id}/attendance/import", data={})
    assert "Choose the attendance report to upload" in response.get_data(as_text=True)


def test_a_tampered_preview_saves_nothing(client, db, organiser, past_webinar):
    event, _ = past_webinar
    factories.sign_in(client, organiser)
    response = client.post(f"/events/{event.id}/attendance/import/save", data={"report": "forged"},
                           follow_redirects=True)
    assert "This preview has expired" in response.get_data(as_text=True)
    assert _emails(db, event) == set()


def test_walk_in_errors_keep_what_was_typed(client, organiser, past_webinar):
    event, _ = past_webinar
    factories.sign_in(client, organiser)
    response = client.post(f"/events/{event.id}/attendance/walk-in",
                           data={"name": "Sam Lee", "email": "sam at example", "organisation": "Whittington"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Enter their email address" in page
    assert 'value="Sam Lee"' in page and 'value="Whittington"' in page


def test_the_attendee_csv_downloads(client, organiser, past_webinar):
    event, _ = past_webinar
    attendance.add_walk_in(organiser, event, name="=cmd|' /C calc'!A0", email="x@example.org")
    factories.sign_in(client, organiser)
    response = client.get(f"/events/{event.id}/attendees.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert "'=cmd" in response.get_data(as_text=True)


def test_members_see_you_attended_and_give_feedback_once(client, db, organiser, past_webinar):
    event, people = past_webinar
    priya = people["Priya Shah"]
    attendance.record_checklist(organiser, event, {_ids(db, event)["Priya Shah"]})
    feedback.set_feedback_open(organiser, event, True)
    factories.sign_in(client, priya)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "You attended this event." in page and 'id="give-feedback"' in page
    assert event.title in client.get("/events/attended").get_data(as_text=True)
    assert 'href="/events/attended"' in client.get("/account").get_data(as_text=True)
    response = client.post(f"/events/{event.id}/feedback", data={"rating": "5", "learnt": "",
                                                                 "change": "Refer sooner"})
    assert response.status_code == 400 and "Tell us what you learnt" in response.get_data(as_text=True)
    assert "Refer sooner" in response.get_data(as_text=True)
    data = {"rating": "5", "learnt": "The fatigue scale", "change": "Refer sooner"}
    assert client.post(f"/events/{event.id}/feedback", data=data).status_code == 303
    again = client.post(f"/events/{event.id}/feedback", data=data)
    assert "already given feedback" in again.get_data(as_text=True)
    assert db.session.scalar(select(EventFeedback.rating)) == 5
    assert 'id="give-feedback"' not in client.get(f"/events/{event.id}").get_data(as_text=True)

    factories.sign_in(client, organiser)
    summary = client.get(f"/events/{event.id}/feedback/summary").get_data(as_text=True)
    assert "The fatigue scale" in summary and "average rating <strong>5.0</strong>" in summary
    assert "Priya" not in summary  # anonymous


def test_someone_who_did_not_attend_cannot_give_feedback(client, organiser, past_webinar):
    event, people = past_webinar
    feedback.set_feedback_open(organiser, event, True)
    factories.sign_in(client, people["Tom Reid"])
    assert client.get(f"/events/{event.id}/feedback").status_code == 403
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "You attended" not in page


def test_outcomes_show_on_the_event_page(client, organiser, past_webinar):
    event, people = past_webinar
    factories.sign_in(client, organiser)
    response = client.post(f"/events/{event.id}/outcomes", data={
        "chosen": ["Start of QI ideas"], "others": "Hospice link", "recording_url": "ftp://x",
        "slides_url": ""})
    assert response.status_code == 400 and "starting https://" in response.get_data(as_text=True)
    assert "Hospice link" in response.get_data(as_text=True)
    client.post(f"/events/{event.id}/outcomes", data={
        "chosen": ["Start of QI ideas"], "others": "Hospice link",
        "recording_url": "https://video.example/r", "slides_url": ""})
    factories.sign_in(client, people["Tom Reid"])
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Start of QI ideas" in page and "Hospice link" in page
    assert 'href="https://video.example/r"' in page


def test_the_attendance_page_costs_the_same_for_1_and_50_sign_ups(client, db, organiser, count_queries):
    counts = []
    for n in (1, 50):
        event, _ = past_event_with_signups(
            organiser, [(f"Person {n}-{i}", f"p{n}.{i}@nhs.net") for i in range(n)])
        attendance.record_checklist(organiser, event, set(_ids(db, event).values()))
        factories.sign_in(client, organiser)
        with count_queries() as q:
            assert client.get(f"/events/{event.id}/attendance").status_code == 200
        with count_queries() as csv_q:
            client.get(f"/events/{event.id}/attendees.csv")
        counts.append((q.count, csv_q.count))
    assert counts[0] == counts[1]
