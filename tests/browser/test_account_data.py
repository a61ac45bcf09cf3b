"""A member's own data in Chromium, with JavaScript enabled and disabled: download the ZIP
from the account page, then delete the account (a wrong password first), after which the
discussion shows their post as "Former member". And following one event: its recording's
arrival is a notification that opens the event."""

from __future__ import annotations

import json
import zipfile

from .helpers import make_member, sign_in, submit, unique

BOARD = "rehab-and-lymphoedema"


def test_download_my_data_then_delete_my_account(page, live_server, js, tmp_path):
    import factories

    from forum.members.models import User

    me = make_member(live_server, display_name=f"Dana {unique('d')}")
    title = f"Seated exercise after surgery {unique('t')}"
    with live_server.db() as db:
        thread = factories.thread(db.session.get(User, me["id"]), board=factories.board(BOARD),
                                  title=title, body="We use a chair-based programme.")
        thread_id = thread.id
    sign_in(page, live_server, me["email"])

    page.goto(live_server.url_for("members.edit_account"))
    submit(page, page.get_by_role("link", name="Download your data"))
    assert page.locator("h1").inner_text() == "Download your data"
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data (ZIP)").click()
    saved = tmp_path / "data.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert json.loads(archive.read("members.json"))["profile"]["email"] == me["email"]
        posts = json.loads(archive.read("discussions.json"))["posts"]
        assert [p["text"] for p in posts] == ["We use a chair-based programme."]

    page.goto(live_server.url_for("members.edit_account"))
    submit(page, page.get_by_role("link", name="Delete your account"))
    form = page.locator("#delete-account-form")
    form.get_by_label("Your password").fill("not my password")
    form.get_by_label("I understand that my account will be deleted").check()
    submit(page, form.get_by_role("button", name="Delete my account"))
    assert page.locator("#password-error").inner_text().endswith("Your password is not correct")
    form.get_by_label("Your password").fill(me["password"])
    submit(page, form.get_by_role("button", name="Delete my account"))
    assert "Your account has been deleted." in page.locator(".flash").inner_text()
    assert page.get_by_role("button", name="Sign out").count() == 0

    reader = make_member(live_server)
    sign_in(page, live_server, reader["email"])
    page.goto(live_server.url_for("discussions.show_thread", thread_id=thread_id))
    author = page.locator(".post__author").first
    assert author.inner_text().strip() == "Former member"
    assert author.get_by_role("link").count() == 0
    assert me["display_name"] not in page.content()



def _webinar(title: str):
    from datetime import timedelta

    from forum.db import utcnow
    from forum.events.models import Kind
    from forum.events.services import EventInput

    start = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    return EventInput(title=title, kind=Kind.WEBINAR, starts_at=start,
                      ends_at=start + timedelta(hours=1), capacity=50,
                      joining_link="https://teams.example/join/fatigue")


def test_follow_an_event_and_hear_its_recording_is_online(page, live_server, js):
    from forum.events import outcomes, services
    from forum.events.models import Event
    from forum.members.models import Role, User

    organiser = make_member(live_server, display_name=f"Org {unique('o')}", role=Role.ADMIN)
    with live_server.db() as db:
        event = services.create_event(db.session.get(User, organiser["id"]),
                                      _webinar(f"Fatigue webinar {unique('e')}"))
        services.publish_event(event.created_by, event)
        event_id, title = event.id, event.title
    follower = make_member(live_server)
    sign_in(page, live_server, follower["email"])
    page.goto(live_server.url_for("events.show_event", event_id=event_id))
    submit(page, page.locator("#follow-event").get_by_role("button", name="Follow"))
    assert "You are following this event." in page.locator(".flash").inner_text()
    assert page.locator("#follow-event").get_by_role("button", name="Stop following").count() == 1

    with live_server.db() as db:
        outcomes.save_outcomes(db.session.get(User, organiser["id"]),
                               db.session.get(Event, event_id),
                               recording_url="https://video.example/fatigue")
    live_server.wait_for_outbox()
    page.goto(live_server.url_for("notify.notifications"))
    submit(page, page.get_by_role("link", name=f"The recording or slides of “{title}” are online"))
    assert page.locator("h1").inner_text() == title
    recording = page.get_by_role("link", name="Watch the recording")
    assert recording.get_attribute("href") == "https://video.example/fatigue"
