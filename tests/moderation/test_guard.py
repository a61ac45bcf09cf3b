"""The patient-data guard in the forms that save member-written text: the writer sees what was
found, highlighted, and either edits it out or confirms; a confirmed post waits for a moderator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.discussions.models import Post, Thread
from forum.extensions import db as _db
from forum.members.models import User
from forum.moderation import services
from forum.moderation.guard import HOLD_EDIT, HOLD_NEW, check_patient_data
from forum.moderation.models import AuditEntry
from tests import factories as f

NHS = "943 476 5919"


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def people(db):
    return {"author": f.member(display_name="Asha Author"), "member": f.member(),
            "moderator": f.moderator()}


@pytest.fixture
def thread(people):
    return f.thread(people["author"], title="Fatigue after chemotherapy")


def replies(thread: Thread) -> list[Post]:
    return list(_db.session.scalars(select(Post).where(Post.thread_id == thread.id,
                                                       Post.is_opening.is_(False))))


def test_highlight_escapes_html_and_marks_each_finding():
    check = check_patient_data(body=f"<script>x</script> NHS {NHS} & DOB 03/04/1950", confirmed=False)
    html = str(check.flagged[0].highlighted())
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert html.count("<mark") == 2 and f">{NHS}</mark>" in html
    assert check.blocked and check.hold == ""


def test_confirmed_check_holds_and_clean_text_passes():
    assert check_patient_data(body=f"NHS {NHS}", confirmed=True).hold == HOLD_NEW
    assert check_patient_data(body=f"NHS {NHS}", confirmed=True).hold_for_edit(
        already_published=True) == HOLD_EDIT
    clean = check_patient_data(body="Graded exercise helps.", confirmed=False)
    assert not clean.blocked and clean.hold == ""


def test_reply_with_an_nhs_number_is_shown_back_highlighted_and_not_saved(client, db, people,
                                                                           thread):
    f.sign_in(client, people["member"])
    body = f"Her NHS number is {NHS}, <b>please</b> check"
    response = client.post(f"/threads/{thread.id}/reply", data={"body": body})
    html = page(response)
    assert response.status_code == 200
    assert 'id="pid-guard"' in html and "an NHS number" in html
    assert f'<mark class="pid-finding" title="NHS number">{NHS}</mark>' in html
    assert "&lt;b&gt;please&lt;/b&gt;" in html  # escaped in the highlight
    assert 'name="pid_confirmed"' in html
    assert replies(thread) == []


def test_confirmed_reply_waits_in_the_queue(client, db, people, thread):
    f.sign_in(client, people["member"])
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": f"NHS {NHS} is a test number", "pid_confirmed": "yes"})
    assert response.status_code == 303
    [post] = replies(thread)
    assert post.pending and post.pending_reason == "possible patient data"
    f.sign_in(client, people["author"])
    assert "is a test number" not in page(client.get(f"/threads/{thread.id}"))
    f.sign_in(client, people["moderator"])
    queue = page(client.get("/moderation/"))
    assert "is a test number" in queue and "possible patient data" in queue


def test_reply_rewritten_without_patient_data_goes_straight_through(client, db, people, thread):
    f.sign_in(client, people["member"])
    client.post(f"/threads/{thread.id}/reply", data={"body": f"NHS {NHS}"})
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "NHS number removed"})
    assert response.status_code == 303
    [post] = replies(thread)
    assert not post.pending


def test_new_thread_title_is_checked(client, db, people):
    f.sign_in(client, people["member"])
    data = {"title": "My patient Mrs Smith and her fatigue", "board": str(f.board().id),
            "alliance": "", "body": "What would you do?"}
    response = client.post("/discussions/new", data=data)
    assert response.status_code == 200
    assert 'id="pid-guard-title"' in page(response) and "<mark" in page(response)
    assert 'value="My patient Mrs Smith and her fatigue"' in page(response)  # text kept
    assert _db.session.scalar(select(Thread)) is None
    response = client.post("/discussions/new", data={**data, "pid_confirmed": "yes"})
    thread = _db.session.scalar(select(Thread))
    assert response.status_code == 303 and thread.pending
    opening = _db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    assert opening.pending_reason == HOLD_NEW


def test_preview_is_not_blocked(client, db, people):
    f.sign_in(client, people["member"])
    response = client.post("/discussions/new", data={
        "title": "Question", "board": str(f.board().id), "alliance": "",
        "body": f"NHS {NHS}", "preview": "1"})
    assert response.status_code == 200 and 'id="pid-guard"' not in page(response)


def test_editing_in_patient_data_puts_a_published_post_back_in_the_queue(client, db, people,
                                                                          thread):
    post = f.reply(people["member"], thread, body="Fine text")
    f.sign_in(client, people["member"])
    blocked = client.post(f"/posts/{post.id}/edit", data={"body": "DOB: 03/04/1950"})
    assert 'id="pid-guard"' in page(blocked)
    assert _db.session.get(Post, post.id).body_source == "Fine text"
    done = client.post(f"/posts/{post.id}/edit",
                       data={"body": "DOB: 03/04/1950", "pid_confirmed": "yes"})
    assert done.status_code == 303
    post = _db.session.get(Post, post.id)
    assert post.pending and post.pending_reason == HOLD_EDIT
    services.approve_post(people["moderator"], post)
    assert _db.session.get(Thread, thread.id).reply_count == 1  # counted once, not twice


def test_trust_hospital_number_pattern_from_config(client, app, db, people, thread):
    app.config["PID_HOSPITAL_NUMBER_PATTERNS"] = [r"\bRAL\d{7}\b"]
    try:
        f.sign_in(client, people["member"])
        response = client.post(f"/threads/{thread.id}/reply", data={"body": "Seen as RAL1234567"})
    finally:
        app.config.pop("PID_HOSPITAL_NUMBER_PATTERNS")
    assert "a hospital number" in page(response)
    assert replies(thread) == []


def test_profile_text_is_checked_and_a_confirmation_reaches_the_queue(client, db, people):
    member = people["member"]
    f.sign_in(client, member)
    data = {"display_name": member.display_name, "profession": str(member.profession_id),
            "alliance": str(member.alliance_id), "organisation": "Practice",
            "bio": "I look after Mrs Jones, my patient, at home"}
    blocked = client.post("/account", data=data)
    assert blocked.status_code == 200 and 'id="pid-guard-bio"' in page(blocked)
    assert _db.session.get(User, member.id).bio == ""
    done = client.post("/account", data={**data, "pid_confirmed": "yes"})
    assert done.status_code in (302, 303)
    assert _db.session.get(User, member.id).bio.startswith("I look after")
    entry = _db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == services.PROFILE_PID_ACTION))
    assert entry.target_id == member.id
    f.sign_in(client, people["moderator"])
    assert 'id="profile-checks"' in page(client.get("/moderation/"))


def test_hospital_patterns_come_from_the_environment(monkeypatch):
    from forum.config import load

    monkeypatch.setenv("FORUM_PID_HOSPITAL_PATTERNS", "\\bRAL\\d{7}\\b\n\\bGSTT\\d{6}\\b\n")
    assert load({"SECRET_KEY": "x"})["PID_HOSPITAL_NUMBER_PATTERNS"] == [
        r"\bRAL\d{7}\b", r"\bGSTT\d{6}\b"]
    monkeypatch.delenv("FORUM_PID_HOSPITAL_PATTERNS")
    assert load({"SECRET_KEY": "x"})["PID_HOSPITAL_NUMBER_PATTERNS"] is None


def test_an_invalid_hospital_pattern_stops_the_app_at_start():
    from forum import create_app

    with pytest.raises(RuntimeError, match="not a valid regular expression"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "RATELIMIT_ENABLED": False,  # the limiter is shared by every app in the run
                    "PID_HOSPITAL_NUMBER_PATTERNS": ["(unclosed"]})
