"""The HCPC CPD profile: gap explanations that survive a changed record, the personal
statement, the export sections, privacy and the member's data export and erasure."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from forum.cpd import hcpc, personal_data, rules
from forum.cpd.hcpc_models import GapNote, HcpcProfile
from forum.db import utcnow
from forum.extensions import db
from tests import factories as f
from tests.cpd.test_views import _form


def _ago(days: int) -> date:
    return utcnow().date() - timedelta(days=days)


def _record(client, *days_ago: int) -> None:
    for days in days_ago:
        client.post("/cpd/entries/new", data=_form(start_date=_ago(days).isoformat()))


def _note(start: date, end: date, text: str = "x") -> GapNote:
    return GapNote(user_id=1, start_date=start, end_date=end, explanation=text)


def test_a_note_follows_the_gap_it_overlaps_most_and_each_note_serves_one_gap():
    d = date(2026, 1, 1)
    gaps = [rules.Gap(d, d + timedelta(days=100)),
            rules.Gap(d + timedelta(days=200), d + timedelta(days=320))]
    moved = _note(d + timedelta(days=10), d + timedelta(days=130), "leave")  # the first gap, since shortened
    apart = _note(d + timedelta(days=400), d + timedelta(days=500))          # overlaps nothing now
    touching = _note(d + timedelta(days=100), d + timedelta(days=200))       # touches both, shares no day
    assert hcpc.match_notes(gaps, [apart, moved, touching]) == [moved, None]
    assert hcpc.match_notes(gaps[:1], [_note(d, d + timedelta(days=50), "a"),
                                       weaker := _note(d, d + timedelta(days=20), "b")])[0] is not weaker


def test_words_are_counted_as_people_count_them():
    assert hcpc.word_count("") == 0
    assert hcpc.word_count("Band 7 physio,\n community  rehab.") == 5


def test_a_gap_is_explained_and_the_explanation_survives_a_new_entry_in_it(client, nurse):
    f.sign_in(client, nurse)
    _record(client, 400, 100)
    gap_start = _ago(400)
    page = client.get("/cpd/hcpc").get_data(as_text=True)
    assert "3 gaps of three months or more are not explained yet" in page
    form = client.get(f"/cpd/hcpc/gaps/{gap_start.isoformat()}")
    assert form.status_code == 200 and "300 days" in form.get_data(as_text=True)
    response = client.post(f"/cpd/hcpc/gaps/{gap_start.isoformat()}",
                           data={"explanation": "Maternity leave"})
    assert response.status_code == 302
    page = client.get("/cpd/hcpc").get_data(as_text=True)
    assert "Explanation: Maternity leave" in page and "2 gaps of three months" in page

    _record(client, 380)  # the gap now starts 20 days later: it keeps its note, with new dates
    page = client.get("/cpd/hcpc").get_data(as_text=True)
    assert "Explanation: Maternity leave" in page
    note = db.session.scalar(select(GapNote))
    client.post(f"/cpd/hcpc/gaps/{_ago(380).isoformat()}", data={"explanation": "Maternity leave, then AL"})
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(GapNote)) == 1
    assert (note.start_date, note.explanation) == (_ago(380), "Maternity leave, then AL")

    client.post(f"/cpd/hcpc/gaps/{_ago(380).isoformat()}", data={"explanation": "  "})
    assert db.session.scalar(select(func.count()).select_from(GapNote)) == 0


def test_a_gap_that_is_not_there_is_404_and_a_long_explanation_is_kept_with_its_error(client, nurse):
    f.sign_in(client, nurse)
    _record(client, 200)
    assert client.get(f"/cpd/hcpc/gaps/{_ago(201).isoformat()}").status_code == 404
    assert client.get("/cpd/hcpc/gaps/not-a-date").status_code == 404
    assert client.get("/cpd/hcpc/gaps/2026-02-31").status_code == 404
    long = "Leave " * 200
    response = client.post(f"/cpd/hcpc/gaps/{_ago(200).isoformat()}", data={"explanation": long})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "1000 characters or fewer" in page and long.strip() in page
    assert db.session.scalar(select(func.count()).select_from(GapNote)) == 0


def test_the_personal_statement_is_saved_with_word_guidance(client, nurse):
    f.sign_in(client, nurse)
    form = client.get("/cpd/hcpc/statement").get_data(as_text=True)
    assert "up to about 500 words" in form and "up to about 1,500 words" in form
    assert "benefits the service user" in form  # the five standards are set out
    summary = "word " * 520
    response = client.post("/cpd/hcpc/statement", data={"summary": summary, "statement": "My CPD helped."})
    assert response.status_code == 302
    page = client.get("/cpd/hcpc").get_data(as_text=True)
    assert "520 words: the HCPC suggests up to about 500" in page and "My CPD helped." in page
    too_long = "x" * (hcpc.TEXT_MAX + 1)
    response = client.post("/cpd/hcpc/statement", data={"summary": "Kept", "statement": too_long})
    assert response.status_code == 422 and "20,000 characters or fewer" in response.get_data(as_text=True)
    assert db.session.get(HcpcProfile, nurse.id).statement == "My CPD helped."


def test_the_exports_hold_the_hcpc_profile_and_call_out_unexplained_gaps(client, nurse):
    f.sign_in(client, nurse)
    _record(client, 400, 100)
    client.post(f"/cpd/hcpc/gaps/{_ago(400).isoformat()}", data={"explanation": "Long-term sickness"})
    client.post("/cpd/hcpc/statement",
                data={"summary": "Band 6 dietitian", "statement": "It helped “patients”."})
    rows = list(csv.reader(io.StringIO(client.get("/cpd/export.csv").get_data(as_text=True))))
    assert rows[3] == [] and rows[4] == ["HCPC CPD profile"]
    assert rows[5] == ["Summary of practice", "Band 6 dietitian"]
    explained = [r for r in rows[7:] if r[1] == "Long-term sickness"]
    assert len(explained) == 1 and explained[0][0].startswith(f"Gap {_ago(400).isoformat()} to")
    assert sum(r[1].startswith("NOT EXPLAINED") for r in rows[7:]) == 2
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get("/cpd/export.pdf").data)).pages)
    assert "HCPC CPD profile" in text and "Band 6 dietitian" in text and 'It helped "patients".' in text
    assert "Long-term sickness" in text and text.count("NOT EXPLAINED") == 2


def test_the_csv_has_no_profile_section_without_gaps_or_a_statement(client, nurse):
    f.sign_in(client, nurse)
    _record(client, *range(10, 740, 60))
    rows = list(csv.reader(io.StringIO(client.get("/cpd/export.csv").get_data(as_text=True))))
    assert ["HCPC CPD profile"] not in rows


@pytest.mark.parametrize("who", ["other", "moderator", "admin"])
def test_no_one_else_sees_or_changes_the_profile(client, nurse, who):
    f.sign_in(client, nurse)
    _record(client, 200)
    client.post(f"/cpd/hcpc/gaps/{_ago(200).isoformat()}", data={"explanation": "Secret leave"})
    client.post("/cpd/hcpc/statement", data={"summary": "Secret summary", "statement": ""})
    client.post("/auth/logout")
    viewer = {"other": f.member, "moderator": f.moderator, "admin": f.admin}[who]()
    f.sign_in(client, viewer)
    gap = f"/cpd/hcpc/gaps/{_ago(200).isoformat()}"
    assert client.get(gap).status_code == 404
    assert client.post(gap, data={"explanation": "x"}).status_code == 404
    for path in ("/cpd/hcpc", "/cpd/hcpc/statement", "/cpd/export.csv"):
        body = client.get(path).get_data(as_text=True)
        assert "Secret" not in body
    db.session.expire_all()
    assert db.session.scalar(select(GapNote)).explanation == "Secret leave"


def test_the_profile_is_in_the_data_export_and_erased(client, nurse):
    f.sign_in(client, nurse)
    _record(client, 200)
    client.post(f"/cpd/hcpc/gaps/{_ago(200).isoformat()}", data={"explanation": "Career break"})
    client.post("/cpd/hcpc/statement", data={"summary": "Summary", "statement": "Statement"})
    data = personal_data.export_member(nurse)["hcpc_profile"]
    assert data["summary_of_practice"] == "Summary" and data["personal_statement"] == "Statement"
    assert data["gap_explanations"] == [{"from": _ago(200).isoformat(), "to": utcnow().date().isoformat(),
                                         "explanation": "Career break"}]
    personal_data.erase_member(nurse)
    assert db.session.scalar(select(func.count()).select_from(GapNote)) == 0
    assert db.session.get(HcpcProfile, nurse.id) is None


def test_the_hcpc_page_makes_the_same_queries_for_1_and_for_7_gaps(client, nurse, count_queries):
    f.sign_in(client, nurse)
    _record(client, 10)
    client.get("/cpd/hcpc")
    with count_queries() as one:
        client.get("/cpd/hcpc")
    for n in range(1, 7):
        _record(client, 10 + n * 100)
        client.post(f"/cpd/hcpc/gaps/{_ago(10 + n * 100).isoformat()}",
                    data={"explanation": f"Leave {n}"})
    with count_queries() as many:
        assert client.get("/cpd/hcpc").status_code == 200
    assert many.count == one.count
