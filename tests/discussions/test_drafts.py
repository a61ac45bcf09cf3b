"""Drafts: a member called away mid-reply finds their words again, on the server.

One draft per member per thread and one for a new discussion; saved with "Save draft" (and
by the JavaScript autosave, which posts the same form asking for JSON); restored by the
reply and new-discussion forms; discarded when the member posts. Drafts are private to their
author, so they do not pass the patient-data guard (posting does).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.discussions import queries
from forum.discussions.models import Draft, Post
from forum.discussions.services import save_draft
from forum.errors import InvalidInput, PermissionDenied
from tests import factories as f


def page(response) -> str:
    return response.get_data(as_text=True)


def drafts(db) -> list[Draft]:
    return list(db.session.scalars(select(Draft).order_by(Draft.id)))


# --- the service ------------------------------------------------------------------------------

def test_one_draft_per_member_per_thread_and_one_for_a_new_discussion(db, member, thread):
    other_thread = f.thread(f.member())
    save_draft(member, thread=thread, body="First words")
    save_draft(member, thread=thread, body="First words, and more")
    save_draft(member, thread=other_thread, body="Elsewhere")
    save_draft(member, thread=None, title="A new question", body="Draft question")
    save_draft(member, thread=None, title="A new question", body="Draft question, longer")
    someone = f.member()
    save_draft(someone, thread=thread, body="Someone else's words")
    assert {(d.user_id, d.thread_id, d.body) for d in drafts(db)} == {
        (member.id, thread.id, "First words, and more"),
        (member.id, other_thread.id, "Elsewhere"),
        (member.id, None, "Draft question, longer"),
        (someone.id, thread.id, "Someone else's words"),
    }
    assert queries.draft_for(member, thread).body == "First words, and more"
    assert queries.draft_for(member, None).title == "A new question"


def test_the_database_refuses_a_second_draft_for_a_new_discussion(db, member):
    from sqlalchemy.exc import IntegrityError

    db.session.add_all([Draft(user_id=member.id, body="a"), Draft(user_id=member.id, body="b")])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_an_emptied_draft_is_discarded(db, member, thread):
    save_draft(member, thread=thread, body="Something")
    assert save_draft(member, thread=thread, body="   ") is None
    assert drafts(db) == []


def test_a_draft_keeps_the_post_it_answers(db, member, thread):
    parent = f.reply(f.member(), thread, body="Use a tape measure.")
    draft = save_draft(member, thread=thread, body="Thanks", reply_to=parent)
    assert draft.reply_to_id == parent.id
    elsewhere = f.reply(f.member(), f.thread(f.member()), body="Another thread")
    assert save_draft(member, thread=thread, body="Thanks", reply_to=elsewhere).reply_to_id is None


def test_a_draft_longer_than_a_post_may_be_is_refused(db, member, thread):
    with pytest.raises(InvalidInput) as error:
        save_draft(member, thread=thread, body="x" * 50_001)
    assert error.value.field == "body"


def test_no_draft_where_the_member_cannot_reply(db, member, thread):
    thread.locked = True
    db.session.commit()
    with pytest.raises(PermissionDenied):
        save_draft(member, thread=thread, body="Words")


def test_posting_the_reply_discards_the_draft(db, member, thread):
    save_draft(member, thread=thread, body="Nearly done")
    save_draft(member, thread=None, title="Q", body="Another draft")
    f.reply(member, thread, body="Done")
    assert [(d.thread_id, d.body) for d in drafts(db)] == [(None, "Another draft")]
    f.thread(member, title="Q now asked")
    assert drafts(db) == []


def test_drafts_skip_the_patient_data_guard(db, member, thread):
    """Private to the author: saved as written (the guard runs when it is posted)."""
    body = "Mrs Jones, NHS number 943 476 5919, asked about her sleeve"
    assert save_draft(member, thread=thread, body=body).body == body


# --- the pages: Save draft without JavaScript ---------------------------------------------------

def test_save_draft_keeps_the_text_and_says_when(client, db, member, thread):
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "Half a thought", "save_draft": "1"})
    html = page(response)
    assert response.status_code == 200
    assert 'id="draft-status"' in html and "Draft saved at " in html
    assert "Half a thought</textarea>" in html
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1  # nothing posted
    assert queries.draft_for(member, thread).body == "Half a thought"


def test_the_thread_page_restores_the_draft_and_says_from_when(client, db, member, thread):
    save_draft(member, thread=thread, body="Back from the ward")
    html = page(client.get(f"/threads/{thread.id}"))
    assert "You have a draft from " in html
    assert "Back from the ward</textarea>" in html


def test_a_draft_answering_a_post_is_restored_on_that_posts_reply_page(client, db, member,
                                                                       thread):
    parent = f.reply(f.member(display_name="Cara Dietitian"), thread, body="Weigh weekly.")
    client.post(f"/posts/{parent.id}/reply",
                data={"body": "Weekly is hard", "reply_to": str(parent.id), "save_draft": "1"})
    html = page(client.get(f"/posts/{parent.id}/reply"))
    assert "Weekly is hard</textarea>" in html
    html = page(client.get(f"/threads/{thread.id}"))  # the thread's own form points to it
    assert "Weekly is hard</textarea>" not in html
    assert f'href="/posts/{parent.id}/reply#reply-form"' in html and "Cara Dietitian" in html


def test_the_new_discussion_form_saves_and_restores_its_draft(client, db, member):
    response = client.post("/discussions/new", data={"title": "Hosiery", "body": "",
                                                     "save_draft": "1"})
    assert response.status_code == 200 and "Draft saved at " in page(response)
    assert 'class="error-summary' not in page(response)  # a draft need not be complete
    html = page(client.get("/discussions/new"))
    assert "You have a draft from " in html and 'value="Hosiery"' in html


def test_discard_draft_empties_the_form(client, db, member, thread):
    save_draft(member, thread=thread, body="Not needed")
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "Not needed", "discard_draft": "1"})
    assert response.status_code == 303
    assert drafts(db) == []
    assert "Not needed</textarea>" not in page(client.get(f"/threads/{thread.id}"))


def test_posting_from_the_page_discards_the_draft(client, db, member, thread):
    client.post(f"/threads/{thread.id}/reply", data={"body": "Almost", "save_draft": "1"})
    client.post(f"/threads/{thread.id}/reply", data={"body": "Posted now"})
    assert drafts(db) == []


# --- the autosave's request ---------------------------------------------------------------------

def test_the_autosave_gets_json_with_the_time(client, db, member, thread):
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "Typed so far", "save_draft": "1"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.is_json
    assert response.json["saved"] is True
    assert response.json["message"].startswith("Draft saved at ")
    assert queries.draft_for(member, thread).body == "Typed so far"


def test_the_autosave_of_a_locked_thread_is_refused_in_json(client, db, member, thread):
    thread.locked = True
    db.session.commit()
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "Typed so far", "save_draft": "1"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 403 and response.json["saved"] is False
    assert drafts(db) == []


def test_the_autosave_needs_the_csrf_token(app, client, db, member, thread):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/threads/{thread.id}/reply",
                               data={"body": "Typed", "save_draft": "1"},
                               headers={"Accept": "application/json"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert drafts(db) == []


def test_drafts_are_private_to_their_author(client, db, member, thread):
    save_draft(member, thread=thread, body="My private words")
    f.sign_in(client, f.member())
    assert "My private words" not in page(client.get(f"/threads/{thread.id}"))


def test_an_autosave_still_on_its_way_when_the_member_posted_is_dropped(db, member, thread):
    """The autosave was asked for just before the member pressed Post, and saved after."""
    from forum.db import utcnow

    asked_at = utcnow()
    f.reply(member, thread, body="Posted")
    assert save_draft(member, thread=thread, body="Post", asked_at=asked_at) is None
    assert drafts(db) == []


def test_a_draft_asked_for_well_after_posting_is_kept(db, member, thread):
    from datetime import timedelta

    from forum.db import utcnow

    f.reply(member, thread, body="Posted")
    later = utcnow() + timedelta(seconds=30)
    assert save_draft(member, thread=thread, body="A second reply", asked_at=later) is not None
