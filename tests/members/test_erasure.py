""""Delete my account": confirmed with the password; personal data erased everywhere (no
trace of the address in any table or in the search index), posts kept as "Former member"
unless the member asks for their text to go too. Organisers do the same on request."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.discussions.models import Post
from forum.extensions import db
from forum.members import account_data
from forum.members.models import Status, User
from forum.moderation.models import AuditEntry
from forum.moderation.services.common import audit
from forum.notify.models import Notification
from forum.search import indexer
from forum.uploads.models import Upload
from forum.uploads.services import path_of
from tests import factories as f
from tests.members.conftest import EMAIL, NAME


def traces(*needles: str) -> list[str]:
    """Every table and column where any of `needles` still appears (case-insensitive)."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()).mappings():
            for column, value in row.items():
                if value is not None and any(n.lower() in str(value).lower() for n in needles):
                    found.append(f"{table.name}.{column}")
    return found


def index_traces(needle: str) -> list[str]:
    """Stored fields and indexed terms of the live search index that hold `needle`."""
    found = []
    with indexer.reading() as searcher:
        reader = searcher.reader()
        for fields in reader.all_stored_fields():
            found += [k for k, v in fields.items() if needle.lower() in str(v).lower()]
        for field, term in reader.all_terms():
            text = term.decode("utf-8", "replace") if isinstance(term, bytes) else str(term)
            if needle.lower() in text.lower():
                found.append(f"term {field}")
    return found


def _delete(client, **data):
    values = {"password": f.PASSWORD, "confirm": "y"}
    values.update(data)
    return client.post("/account/delete", data=values)


def test_a_wrong_password_keeps_the_account_and_says_so_beside_the_field(client, story):
    f.sign_in(client, story.member)
    response = _delete(client, password="not my password")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your password is not correct" in page and 'id="password-error"' in page
    assert db.session.get(User, story.member.id).status == Status.ACTIVE


def test_the_box_must_be_ticked(client, story):
    f.sign_in(client, story.member)
    response = _delete(client, confirm="")
    assert response.status_code == 400
    assert "Tick the box" in response.get_data(as_text=True)
    assert db.session.get(User, story.member.id).email == EMAIL


def test_deleting_leaves_no_trace_of_the_address_in_the_database_or_the_index(
        client, story, sync, deliver, auth):
    upload = db.session.scalar(select(Upload).where(Upload.uploader_id == story.member.id))
    stored = path_of(upload)
    audit(f.moderator(), "warn_member", "user", story.member.id,
          reason=f"Warned {NAME} ({EMAIL}) about patient data")
    db.session.commit()
    sync()
    assert index_traces("okafor")  # the author's name is indexed with their posts
    f.sign_in(client, story.member)
    response = _delete(client)
    assert response.status_code == 303 and response.headers["Location"].endswith("/")
    deliver()
    sync()
    assert traces(EMAIL, NAME, "Whittington") == []
    assert index_traces(EMAIL) == [] and index_traces("okafor") == []
    assert not stored.exists()
    erased = db.session.get(User, story.member.id)
    assert (erased.display_name, erased.status, erased.organisation, erased.bio) == (
        "Former member", Status.ERASED, "", "")
    warning = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "warn_member"))
    assert warning.reason == "Warned Former member (Former member) about patient data"
    assert auth.login(EMAIL).status_code == 200  # the sign-in form again: no such account
    assert client.get("/account").status_code == 302  # signed out


def test_posts_stay_as_former_member_and_search_finds_them_by_their_words(
        client, story, sync):
    f.sign_in(client, story.member)
    _delete(client)
    sync()
    f.sign_in(client, story.other)
    page = client.get(f"/threads/{story.thread.id}").get_data(as_text=True)
    assert "Former member" in page and "compression" in page and NAME not in page
    assert f"/members/{story.member.id}" not in page  # no link to a profile that has gone
    reader = f.member()
    from forum import search
    hits = search.search("compression", viewer=reader).hits
    assert [h.post_id for h in hits] == [story.opening.id]
    f.sign_in(client, f.member())
    assert client.get(f"/members/{story.member.id}").status_code == 404


def test_asking_for_the_text_to_go_too_removes_it_and_replies_still_thread(
        client, story, sync):
    f.sign_in(client, story.member)
    _delete(client, remove_posts="y")
    sync()
    post = db.session.get(Post, story.opening.id)
    assert post.body_source == "" and "Removed at the author’s request" in post.body_html
    viewer = f.member()
    f.sign_in(client, viewer)
    page = client.get(f"/threads/{story.thread.id}").get_data(as_text=True)
    assert "Removed at the author’s request" in page and "compression" not in page
    assert "flat-knit" in page  # the reply to it is still there
    from forum import search
    assert search.search("compression", viewer=viewer).hits == []


def test_other_members_notifications_no_longer_name_them(story, deliver):
    f.reply(story.member, story.thread, reply_to=story.answer, body="Thanks Rosa.")
    deliver()
    [note] = db.session.scalars(select(Notification).where(
        Notification.user_id == story.other.id, Notification.kind == "reply"))
    assert note.text.startswith(NAME)
    account_data.delete_own_account(story.member, password=f.PASSWORD)
    db.session.refresh(note)
    assert note.text.startswith("Former member replied")


def test_a_place_at_an_event_to_come_goes_to_the_waiting_list(story):
    event = story.event
    event.capacity = 1
    db.session.commit()
    waiting = f.member()
    from forum.events import signups
    queued = signups.sign_up(waiting, event)
    assert queued.status == "waiting"
    account_data.delete_own_account(story.member, password=f.PASSWORD)
    db.session.refresh(queued)
    assert queued.status == "confirmed"


def test_the_only_organiser_cannot_delete_their_account(client, db):
    only = f.admin()
    f.sign_in(client, only)
    response = _delete(client)
    assert response.status_code == 400
    assert "only active organiser" in response.get_data(as_text=True)


def test_an_organiser_erases_a_member_on_request_and_the_log_says_why(client, story):
    organiser = f.admin(email="sar@nhs.net", display_name="Sam Organiser")
    f.sign_in(client, organiser)
    page = client.get(f"/admin/members/{story.member.id}/erase")
    assert page.status_code == 200
    refused = client.post(f"/admin/members/{story.member.id}/erase", data={
        "reason": f"Email from {NAME}", "confirm": "y"})
    assert refused.status_code == 400 and "Leave the member" in refused.get_data(as_text=True)
    assert db.session.get(User, story.member.id).status == Status.ACTIVE
    done = client.post(f"/admin/members/{story.member.id}/erase", data={
        "reason": "Email to the organisers, 3 March", "confirm": "y"})
    assert done.status_code == 303
    assert db.session.get(User, story.member.id).status == Status.ERASED
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "erase_member"))
    assert (entry.actor_id, entry.target_id, entry.reason) == (
        organiser.id, story.member.id, "Email to the organisers, 3 March")


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_only_organisers_erase_someone_else(client, story, who):
    f.sign_in(client, f.moderator() if who == "moderator" else f.member())
    response = client.post(f"/admin/members/{story.member.id}/erase",
                           data={"reason": "Asked", "confirm": "y"})
    assert response.status_code == 403
    assert db.session.get(User, story.member.id).status == Status.ACTIVE
