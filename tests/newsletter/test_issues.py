"""Composing an issue, its preview as the email, a test to oneself, and the archive."""

from __future__ import annotations

import pytest

from forum.errors import InvalidInput, PermissionDenied
from forum.newsletter import issues, queries
from forum.newsletter.models import IssueStatus
from tests import factories
from tests.events.conftest import make_event
from tests.newsletter.conftest import draft
from tests.qi.data_factories import writeup


def test_members_only_items_show_only_their_title(db):
    organiser = factories.admin()
    issue = draft(organiser)
    email = issues.preview(issue)
    assert "Hello from Lewisham district nurses" in email.text
    assert "Running a nurse-led cancer care review clinic" in email.html
    assert "Private detail" not in email.text + email.html
    assert queries.SIGN_IN in email.text and queries.SIGN_IN in email.html
    assert "<strong>December</strong>" in email.html
    assert "**December**" in email.text  # the Markdown source reads well as plain text


def test_candidates_include_upcoming_events_and_new_writeups(db):
    organiser = factories.admin()
    make_event(organiser, title="Prehabilitation webinar")
    make_event(organiser, title="Members' supervision circle", is_public=False)
    writeup(organiser, title="Faster holistic needs assessments", is_public=True,
            summary="We halved the wait.")
    found = queries.candidates(organiser)
    events = {c.title: c for c in found["event"]}
    assert not events["Prehabilitation webinar"].members_only
    assert events["Members' supervision circle"].text == queries.SIGN_IN
    assert found["qi"][0].text == "We halved the wait."


def test_the_email_has_list_headers_and_a_visible_unsubscribe_link(db):
    issue = draft(factories.admin())
    email = issues.render_issue(issue, unsubscribe="http://forum.test/newsletter/unsubscribe/k.s")
    assert email.headers["List-Unsubscribe"] == "<http://forum.test/newsletter/unsubscribe/k.s>"
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.headers["List-Id"].endswith("<newsletter.cancercop.example>")
    assert 'href="http://forum.test/newsletter/unsubscribe/k.s"' in email.html
    assert "http://forum.test/newsletter/unsubscribe/k.s" in email.text
    assert "<img" not in email.html, "no tracking pixels"


def test_subject_is_required_and_the_patient_data_guard_runs(client, db):
    factories.sign_in(client, factories.admin())
    empty = client.post("/newsletter/manage/issues/new", data={"subject": "", "intro": "Hi"})
    assert empty.status_code == 400 and b"Enter a subject" in empty.data
    flagged = client.post("/newsletter/manage/issues/new", data={
        "subject": "News", "intro": "Thanks to Mrs Jones, NHS number 943 476 5919, for sharing."})
    assert flagged.status_code == 400 and b"pid-guard" in flagged.data
    assert b"Mrs Jones" in flagged.data, "what was typed is kept"
    assert queries.issues() == []
    confirmed = client.post("/newsletter/manage/issues/new", data={
        "subject": "News", "intro": "Thanks to Mrs Jones, NHS number 943 476 5919.",
        "pid_confirmed": "yes"})
    assert confirmed.status_code == 303


def test_compose_then_preview_shows_the_html_and_text(client, db):
    organiser = factories.admin()
    factories.sign_in(client, organiser)
    public = factories.thread(organiser, board=factories.board("introductions"), title="Say hello")
    response = client.post("/newsletter/manage/issues/new", data={
        "subject": "January", "intro": "Happy new year", "items": [f"thread:{public.id}"],
        "then": "preview"})
    assert response.status_code == 303 and "/preview" in response.location
    page = client.get(response.location)
    assert b"email-preview" in page.data and b"Say hello" in page.data
    frame = client.get(response.location.replace("/preview", "/email.html"))
    assert frame.status_code == 200 and b"Happy new year" in frame.data
    assert "frame-ancestors 'self'" in frame.headers["Content-Security-Policy"]


def test_send_a_test_to_yourself(client, db, smtp_server, deliver):
    organiser = factories.admin(email="organiser@nhs.net")
    issue = draft(organiser)
    factories.sign_in(client, organiser)
    client.post(f"/newsletter/manage/issues/{issue.id}/test")
    deliver()
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "organiser@nhs.net" and message["Subject"].startswith("[Test]")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(("html",)) is not None and message.get_body(("plain",)) is not None
    assert issue.status == IssueStatus.DRAFT


def test_only_organisers_compose(db):
    with pytest.raises(PermissionDenied):
        issues.save_issue(factories.moderator(), None, subject="x", intro="", refs=[])


def test_an_item_not_offered_is_refused(db):
    with pytest.raises(InvalidInput):
        issues.save_issue(factories.admin(), None, subject="x", intro="", refs=["thread:999"])


def test_an_empty_issue_cannot_be_sent(db):
    organiser = factories.admin()
    issue = issues.save_issue(organiser, None, subject="Nothing", intro="", refs=[])
    with pytest.raises(InvalidInput):
        issues.send_now(organiser, issue)


def test_scheduling_needs_a_future_time_and_can_be_undone(client, db):
    organiser = factories.admin()
    issue = draft(organiser)
    factories.sign_in(client, organiser)
    past = client.post(f"/newsletter/manage/issues/{issue.id}/schedule",
                       data={"day": "2020-01-01", "clock": "09:00"})
    assert past.status_code == 400 and b"future" in past.data
    later = client.post(f"/newsletter/manage/issues/{issue.id}/schedule",
                        data={"day": "2099-01-05", "clock": "09:00"})
    assert later.status_code == 303 and issue.status == IssueStatus.SCHEDULED
    client.post(f"/newsletter/manage/issues/{issue.id}/unschedule")
    assert issue.status == IssueStatus.DRAFT and issue.scheduled_at is None


def test_drafts_are_not_in_the_archive(client, db):
    draft(factories.admin())
    assert client.get("/newsletter/1").status_code == 404
