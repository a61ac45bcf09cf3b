"""My CPD over HTTP: the member's own record, bad input, uploads, exports, privacy."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from forum.cpd.models import CpdEntry, Reflection
from forum.db import utcnow
from forum.extensions import db
from forum.qi import services as qi
from tests import factories as f
from tests.cpd.conftest import attend
from tests.uploads import files


def _form(**kw):
    values = {"start_date": (utcnow().date() - timedelta(days=3)).isoformat(), "end_date": "",
              "method": "e-learning", "topic": "Sepsis e-learning module",
              "practice": "I spot neutropenic sepsis sooner.", "hours": "1.5",
              "participatory_hours": "0", "code_theme": "preserve-safety", "evidence_url": ""}
    values.update(kw)
    return values


def test_my_cpd_is_in_the_account_menu(client, nurse):
    f.sign_in(client, nurse)
    page = client.get("/cpd").get_data(as_text=True)
    assert 'href="/cpd"' in page and "My CPD" in page
    assert "0 of 35" in page


def test_an_own_entry_with_a_certificate_is_stored_and_only_its_member_downloads_it(
        client, app, nurse, other):
    f.sign_in(client, nurse)
    data = _form() | {"certificate": (io.BytesIO(files.PDF), "sepsis certificate.pdf")}
    response = client.post("/cpd/entries/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    entry = db.session.scalar(select(CpdEntry))
    assert (entry.minutes, entry.participatory_minutes, entry.code_theme) == (90, 0, "preserve-safety")
    assert entry.evidence_upload.content_type == "application/pdf"
    assert "static" not in app.config["UPLOAD_DIR"]
    download = client.get(f"/cpd/entries/{entry.id}/evidence")
    assert download.status_code == 200 and download.data == files.PDF
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    f.sign_in(client, other)
    assert client.get(f"/cpd/entries/{entry.id}/evidence").status_code == 404


def test_a_program_renamed_pdf_is_refused_beside_the_field_keeping_what_was_typed(client, nurse):
    f.sign_in(client, nurse)
    program = files.EXE + b"\x00" * (10 * 1024 * 1024 - len(files.EXE) - 1)
    data = _form(topic="Kept topic") | {"certificate": (io.BytesIO(program), "certificate.pdf")}
    response = client.post("/cpd/entries/new", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "not a PDF, PNG image or JPEG image" in page and "Windows program" in page
    assert 'value="Kept topic"' in page and "neutropenic sepsis" in page
    assert db.session.scalar(select(CpdEntry)) is None


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"hours": "-2"}, "hours", "Hours must be more than 0"),
    ({"hours": "25"}, "hours", "Hours cannot be more than 24 for one day"),
    ({"hours": "lots"}, "hours", "Enter hours as a number"),
    ({"hours": "1", "participatory_hours": "2"}, "participatory_hours",
     "Participatory hours cannot be more than the hours"),
    ({"start_date": "2999-01-01"}, "start_date", "The date must be today or in the past"),
    ({"start_date": "31/02/2025"}, "start_date", "Enter a real date"),
    ({"topic": ""}, "topic", "Enter the topic"),
    ({"evidence_url": "https://evil.example/"}, "evidence_url", "a page on this site"),
])
def test_bad_input_gets_a_clear_message_and_nothing_is_lost(client, nurse, changes, field, message):
    f.sign_in(client, nurse)
    response = client.post("/cpd/entries/new", data=_form(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert "neutropenic sepsis" in page
    assert db.session.scalar(select(CpdEntry)) is None


def test_the_summary_counts_hours_against_35_and_20(client, nurse):
    f.sign_in(client, nurse)
    client.post("/cpd/entries/new", data=_form(hours="10", participatory_hours="4"))
    page = client.get("/cpd").get_data(as_text=True)
    assert "CPD hours: 10 of 35" in page and "Participatory hours: 4 of 20" in page
    assert "Still needed: 25 hours, of which 16 participatory" in page


def test_the_revalidation_date_moves_the_cycle(client, nurse):
    f.sign_in(client, nurse)
    day = (utcnow().date() + timedelta(days=200))
    assert client.post("/cpd/settings", data={"revalidation_date": day.isoformat()}).status_code == 302
    assert day.strftime("%-d %B %Y") in client.get("/cpd").get_data(as_text=True)
    response = client.post("/cpd/settings", data={"revalidation_date": "2099-01-01"})
    assert response.status_code == 422 and "within the next three years" in response.get_data(as_text=True)


def test_editing_an_event_entry_completes_it(app, client, nurse, past_webinar):
    attend(app, past_webinar, nurse)
    entry = db.session.scalar(select(CpdEntry))
    f.sign_in(client, nurse)
    assert "Say how it relates to your practice" in client.get("/cpd").get_data(as_text=True)
    form = client.get(f"/cpd/entries/{entry.id}/edit").get_data(as_text=True)
    assert 'value="Lymphoedema in primary care"' in form and 'value="1"' in form
    data = _form(start_date=entry.start_date.isoformat(), method="webinar", topic=entry.topic,
                 hours="1", participatory_hours="1", practice="I measure both arms now.")
    assert client.post(f"/cpd/entries/{entry.id}/edit", data=data).status_code == 302
    db.session.refresh(entry)
    assert entry.edited_at is not None and entry.practice == "I measure both arms now."


def test_qi_team_membership_is_suggested_then_accepted_or_ignored(client, nurse):
    writeup = qi.start_writeup(nurse, title="HNAs at cancer care reviews", summary="We offered HNAs.")
    qi.publish_writeup(nurse, writeup)
    f.sign_in(client, nurse)
    page = client.get("/cpd").get_data(as_text=True)
    assert "QI project work: HNAs at cancer care reviews" in page
    form = client.get(f"/cpd/entries/new?qi={writeup.id}").get_data(as_text=True)
    assert f'value="/qi/{writeup.id}"' in form
    data = _form(method="QI project work", topic="HNAs at cancer care reviews", hours="6",
                 participatory_hours="6", evidence_url=f"/qi/{writeup.id}")
    assert client.post(f"/cpd/entries/new?qi={writeup.id}", data=data).status_code == 302
    entry = db.session.scalar(select(CpdEntry))
    assert (entry.source, entry.source_id, entry.minutes) == ("qi", writeup.id, 360)
    assert "QI project work: HNAs" not in client.get("/cpd").get_data(as_text=True)


def test_a_qi_suggestion_ignored_is_not_offered_again(client, nurse, other):
    writeup = qi.publish_writeup(nurse, qi.start_writeup(nurse, title="Delirium screening", summary="x"))
    f.sign_in(client, nurse)
    assert client.post(f"/cpd/qi/{writeup.id}/ignore").status_code == 302
    assert "Delirium screening" not in client.get("/cpd").get_data(as_text=True)
    f.sign_in(client, other)  # not on the team: nothing to ignore
    assert client.post(f"/cpd/qi/{writeup.id}/ignore").status_code == 404


def test_the_csv_has_the_nmc_log_columns(client, nurse):
    f.sign_in(client, nurse)
    client.post("/cpd/entries/new", data=_form(topic="=HYPERLINK(\"x\")"))
    response = client.get("/cpd/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Start date", "End date", "Method", "Topic", "How it relates to my practice",
                       "Hours", "Participatory hours", "Part of the Code", "Evidence"]
    assert rows[1][2:4] == ["E-learning", "'=HYPERLINK(\"x\")"]  # never a formula
    assert rows[1][5:8] == ["1.5", "0", "Preserve safety"]
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_pdf_holds_the_log_and_the_reflections(client, nurse):
    f.sign_in(client, nurse)
    client.post("/cpd/entries/new", data=_form(topic="Sepsis “red flag” module"))
    db.session.add(Reflection(user_id=nurse.id, nature="A webinar on lymphoedema.",
                              learned="Early signs.", code_theme="practise-effectively"))
    db.session.commit()
    response = client.get("/cpd/export.pdf")
    assert response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "CPD log" in text and "Grace Adeyemi" in text
    assert 'Sepsis "red flag" module' in text and "Preserve safety" in text
    assert "Reflective account (draft)" in text and "What did you learn" in text
    assert "Early signs." in text and "Practise effectively" in text


def test_the_hcpc_view_flags_a_gap_of_three_months(client, nurse):
    f.sign_in(client, nurse)
    today = utcnow().date()
    for days_ago in (300, 100):
        client.post("/cpd/entries/new", data=_form(start_date=(today - timedelta(days=days_ago)).isoformat()))
    page = client.get("/cpd/hcpc").get_data(as_text=True)
    assert page.count('class="cpd-gap"') == 3  # before the first, between the two, since the last
    assert "Gap of 200 days" in page


def _protected(nurse):
    entry = CpdEntry(user_id=nurse.id, start_date=utcnow().date(), topic="Private", minutes=60)
    db.session.add(entry)
    db.session.flush()
    reflection = Reflection(user_id=nurse.id, entry_id=entry.id, nature="Private thoughts")
    db.session.add(reflection)
    db.session.commit()
    return entry, reflection


@pytest.mark.parametrize("who", ["other", "moderator", "admin"])
@pytest.mark.parametrize(("method", "path"), [
    ("get", "/cpd/entries/{e}/edit"), ("post", "/cpd/entries/{e}/edit"),
    ("post", "/cpd/entries/{e}/delete"), ("get", "/cpd/entries/{e}/evidence"),
    ("post", "/cpd/entries/{e}/accept"), ("get", "/cpd/reflections/{r}"),
    ("post", "/cpd/reflections/{r}"), ("post", "/cpd/reflections/{r}/delete")])
def test_no_one_else_can_open_a_record_or_a_reflection(client, nurse, who, method, path):
    entry, reflection = _protected(nurse)
    viewer = {"other": f.member, "moderator": f.moderator, "admin": f.admin}[who]()
    f.sign_in(client, viewer)
    response = getattr(client, method)(path.format(e=entry.id, r=reflection.id), data=_form())
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(CpdEntry, entry.id).topic == "Private"
    assert db.session.get(Reflection, reflection.id).nature == "Private thoughts"
    for own in ("/cpd", "/cpd/export.csv", "/cpd/hcpc"):
        assert "Private" not in client.get(own).get_data(as_text=True)


def test_a_visitor_is_asked_to_sign_in(client):
    assert client.get("/cpd").status_code == 302
    assert client.get("/cpd/export.pdf").status_code == 302


def test_the_record_page_makes_the_same_queries_for_1_and_for_30_entries(client, nurse, count_queries):
    f.sign_in(client, nurse)
    client.post("/cpd/entries/new", data=_form() | {
        "certificate": (io.BytesIO(files.PDF), "c.pdf")}, content_type="multipart/form-data")
    client.get("/cpd")
    with count_queries() as one:
        client.get("/cpd")
    for n in range(29):
        client.post("/cpd/entries/new", data=_form(topic=f"Module {n}") | {
            "certificate": (io.BytesIO(files.PDF), "c.pdf")}, content_type="multipart/form-data")
    with count_queries() as many:
        assert client.get("/cpd").status_code == 200
    assert many.count == one.count


def test_a_shadowing_suggestion_is_accepted_into_the_record_or_ignored(app, client, nurse):
    from forum import outbox
    from tests.conftest import send_outbox

    for visit in (1, 2):
        outbox.enqueue("shadowing.completed", {"user_id": nurse.id, "visit_id": visit, "hours": 2,
                                               "title": f"Visit {visit}", "date": "2026-11-20"})
    db.session.commit()
    send_outbox(app)
    first, second = db.session.scalars(select(CpdEntry).order_by(CpdEntry.source_id)).all()
    f.sign_in(client, nurse)
    assert "Visit 1" in client.get("/cpd").get_data(as_text=True)
    accepted = client.post(f"/cpd/entries/{first.id}/accept")
    assert accepted.headers["Location"].endswith(f"/cpd/entries/{first.id}/edit")
    assert client.post(f"/cpd/entries/{second.id}/ignore").status_code == 302
    assert client.post(f"/cpd/entries/{second.id}/accept").status_code == 404  # no longer offered
    page = client.get("/cpd").get_data(as_text=True)
    assert "CPD hours: 2 of 35" in page and "Visit 2" not in page
