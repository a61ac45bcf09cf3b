"""Reflective accounts (drafts, the patient-data guard), certificates and verification,
and the member's data export and erasure."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import func, select

from forum.cpd import personal_data
from forum.cpd.models import Certificate, CpdEntry, Reflection
from forum.extensions import db
from forum.uploads.models import Upload
from forum.uploads.services import path_of
from tests import factories as f
from tests.cpd.conftest import attend
from tests.uploads import files

ANSWERS = {"entry_id": "", "nature": "A webinar on lymphoedema in primary care.",
           "learned": "How to spot early swelling.", "changed": "I measure both arms at reviews.",
           "code_theme": "practise-effectively", "code_relevance": "Keeping my knowledge up to date."}


def test_a_draft_may_be_half_written_and_a_finished_one_may_not(client, nurse):
    f.sign_in(client, nurse)
    response = client.post("/cpd/reflections/new", data={"nature": "Half a thought", "action": "draft"})
    assert response.status_code == 302
    reflection = db.session.scalar(select(Reflection))
    assert reflection.is_draft and reflection.nature == "Half a thought"
    response = client.post(f"/cpd/reflections/{reflection.id}",
                           data={"nature": "Half a thought", "action": "finish"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Answer this question, or save the reflection as a draft" in page
    assert "Half a thought" in page
    finished = client.post(f"/cpd/reflections/{reflection.id}", data=ANSWERS | {"action": "finish"})
    assert finished.status_code == 302
    db.session.refresh(reflection)
    assert not reflection.is_draft


def test_the_patient_data_guard_runs_on_a_reflection_and_says_so(client, nurse):
    f.sign_in(client, nurse)
    data = ANSWERS | {"learned": "Mrs Jane Smith, NHS number 943 476 5919, taught me.", "action": "draft"}
    response = client.post("/cpd/reflections/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Check for patient-identifiable information" in page and "In your second answer" in page
    assert "nothing is sent to the moderators" in page
    assert db.session.scalar(select(func.count()).select_from(Reflection)) == 0
    confirmed = client.post("/cpd/reflections/new", data=data | {"pid_confirmed": "yes"})
    assert confirmed.status_code == 302


def test_a_reflection_links_to_one_of_the_members_own_entries_only(client, nurse, other):
    theirs = CpdEntry(user_id=other.id, start_date=nurse.created_at.date(), topic="Theirs", minutes=60)
    db.session.add(theirs)
    db.session.commit()
    f.sign_in(client, nurse)
    response = client.post("/cpd/reflections/new", data=ANSWERS | {"entry_id": str(theirs.id)})
    assert response.status_code == 422
    assert "Choose one of your CPD entries" in response.get_data(as_text=True)


def test_a_certificate_for_an_attended_event_downloads_and_verifies(app, client, nurse, past_webinar):
    attend(app, past_webinar, nurse)
    f.sign_in(client, nurse)
    response = client.post(f"/cpd/events/{past_webinar.id}/certificate")
    assert response.status_code == 302
    certificate = db.session.scalar(select(Certificate))
    pdf = client.get(response.headers["Location"])
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Certificate of attendance" in text and "Grace Adeyemi" in text
    assert "Lymphoedema in primary care" in text and f"/certificates/{certificate.code}" in text
    assert client.post(f"/cpd/events/{past_webinar.id}/certificate").headers["Location"] == \
        response.headers["Location"]  # asked again: the same certificate
    client.get("/auth/logout")
    visitor = app.test_client()
    page = visitor.get(f"/certificates/{certificate.code}").get_data(as_text=True)
    assert "This certificate is genuine" in page and "Grace Adeyemi" in page and "1</dd>" in page
    assert nurse.email not in page and "Withdraw" not in page


def test_a_certificate_is_refused_for_an_event_not_attended_with_the_reason(client, nurse, past_webinar):
    f.sign_in(client, nurse)
    response = client.post(f"/cpd/events/{past_webinar.id}/certificate")
    assert response.status_code == 403
    assert "A sign-up is not evidence of attendance" in response.get_data(as_text=True)
    assert client.post("/cpd/events/999999/certificate").status_code == 403


def test_an_unknown_code_says_so_plainly(client):
    for code in ("ABCD-EFGH-JKLM", "x" * 500, "<script>"):
        response = client.get(f"/certificates/{code}")
        assert response.status_code == 404
        assert "We have no certificate with the code" in response.get_data(as_text=True)


def test_an_organiser_revokes_a_certificate_and_the_page_says_so(app, client, nurse, organiser,
                                                                  past_webinar):
    attend(app, past_webinar, nurse)
    f.sign_in(client, nurse)
    client.post(f"/cpd/events/{past_webinar.id}/certificate")
    code = db.session.scalar(select(Certificate.code))
    f.sign_in(client, nurse)
    assert client.post(f"/certificates/{code}/revoke", data={"reason": "mine"}).status_code == 403
    f.sign_in(client, organiser)
    assert client.post(f"/certificates/{code}/revoke", data={"reason": ""}).status_code == 422
    assert client.post(f"/certificates/{code}/revoke", data={"reason": "Not at the event"}).status_code == 302
    page = app.test_client().get(f"/certificates/{code}").get_data(as_text=True)
    assert "This certificate was withdrawn" in page and "Grace Adeyemi" not in page
    f.sign_in(client, nurse)
    response = client.post(f"/cpd/events/{past_webinar.id}/certificate")
    assert response.status_code == 403 and "withdrew" in response.get_data(as_text=True)


def test_export_member_holds_the_record_and_erase_member_removes_it_and_its_files(
        app, client, nurse, other, past_webinar):
    attend(app, past_webinar, nurse)
    f.sign_in(client, nurse)
    client.post("/cpd/entries/new", content_type="multipart/form-data", data={
        "start_date": "2026-01-05", "method": "reading", "topic": "NICE guideline NG12", "hours": "2",
        "certificate": (io.BytesIO(files.png()), "notes.png")})
    client.post("/cpd/reflections/new", data=ANSWERS | {"action": "draft"})
    client.post(f"/cpd/events/{past_webinar.id}/certificate")
    theirs = CpdEntry(user_id=other.id, start_date=nurse.created_at.date(), topic="Theirs", minutes=60)
    db.session.add(theirs)
    db.session.commit()
    data = personal_data.export_member(nurse)
    import json

    json.dumps(data)  # JSON-able
    assert {e["Topic"] for e in data["entries"]} == {"Lymphoedema in primary care", "NICE guideline NG12"}
    assert data["reflections"][0]["learned"] == "How to spot early swelling."
    assert data["certificates"][0]["event"] == "Lymphoedema in primary care"
    stored = path_of(db.session.scalar(select(Upload)))
    assert stored.exists()
    personal_data.erase_member(nurse)
    assert db.session.scalar(select(func.count()).select_from(CpdEntry)) == 1  # only the other's
    assert db.session.scalar(select(func.count()).select_from(Reflection)) == 0
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 0
    assert not stored.exists()
