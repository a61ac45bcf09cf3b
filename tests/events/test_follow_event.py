"""Following one event: its followers hear (in the worker) when its time, place or link
changes, when it is cancelled, and when its recording or slides are added; by email too,
batched, unless their "events" preference says never."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.db import utcnow
from forum.errors import InvalidInput
from forum.events import outcomes, services, signups
from forum.extensions import db
from forum.notify import follows, preferences
from forum.notify.models import Notification
from tests import factories
from tests.events.conftest import event_input, make_event, move_start
from tests.notify.test_emails import pass_batch_window, plain, set_mode, settle


def _notes(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind.like("event_%"))
        .order_by(Notification.id)))


def _moved(event, hours: int = 2) -> services.EventInput:
    return event_input(title=event.title, starts_at=event.starts_at + timedelta(hours=hours))


@pytest.fixture
def follower(db):
    return factories.member(display_name="Fola Follower", email="fola@nhs.net")


def test_follow_and_stop_following_from_the_event_page(client, webinar, follower):
    factories.sign_in(client, follower)
    page = client.get(f"/events/{webinar.id}").get_data(as_text=True)
    assert f'action="/events/{webinar.id}/follow"' in page and ">Follow<" in page
    response = client.post(f"/events/{webinar.id}/follow", data={"follow": "1"})
    assert response.status_code == 303
    assert follows.is_following_target(follower, follows.EVENT, webinar.id)
    assert "Stop following" in client.get(f"/events/{webinar.id}").get_data(as_text=True)
    following = client.get("/following").get_data(as_text=True)
    assert f"Event: {webinar.title}" in following
    client.post(f"/events/{webinar.id}/follow", data={"follow": "0"})
    assert not follows.is_following_target(follower, follows.EVENT, webinar.id)


def test_a_draft_cannot_be_followed(client, organiser, follower):
    draft = make_event(organiser, publish=False)
    factories.sign_in(client, follower)
    assert client.post(f"/events/{draft.id}/follow").status_code in (403, 404)


def test_a_visitor_is_asked_to_sign_in(client, webinar):
    response = client.post(f"/events/{webinar.id}/follow")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_change_of_time_reaches_followers_but_not_the_organiser_or_people_signed_up(
        organiser, webinar, follower, deliver):
    placed = factories.member()
    signups.sign_up(placed, webinar)
    for who in (follower, placed, organiser):
        follows.follow_target(who, follows.EVENT, webinar.id)
    services.update_event(organiser, webinar, _moved(webinar))
    assert _notes(follower) == []  # the request only wrote an outbox row
    deliver()
    [note] = _notes(follower)
    assert note.kind == "event_changed" and note.link == f"/events/{webinar.id}"
    assert note.text == f"The time, place or joining link of “{webinar.title}” has changed"
    assert [n.kind for n in _notes(placed)] == ["event_changed"]  # the events' own notice
    assert _notes(organiser) == []


def test_a_change_of_description_only_is_not_news(organiser, webinar, follower, deliver):
    follows.follow_target(follower, follows.EVENT, webinar.id)
    services.update_event(organiser, webinar, event_input(
        title=webinar.title, starts_at=webinar.starts_at, description="More detail."))
    deliver()
    assert _notes(follower) == []


def test_cancelling_and_adding_the_recording_reach_followers(organiser, webinar, follower,
                                                             deliver):
    follows.follow_target(follower, follows.EVENT, webinar.id)
    outcomes.save_outcomes(organiser, webinar, recording_url="https://video.example/rec",
                           slides_url="")
    outcomes.save_outcomes(organiser, webinar, recording_url="https://video.example/rec",
                           slides_url="")  # nothing new: nothing said
    deliver()
    assert [n.text for n in _notes(follower)] == [
        f"The recording or slides of “{webinar.title}” are online"]
    services.cancel_event(organiser, webinar, reason="Speaker unwell")
    deliver()
    assert [n.kind for n in _notes(follower)] == ["event_materials", "event_cancelled"]


def test_materials_must_be_https_links(organiser, webinar):
    with pytest.raises(InvalidInput) as refused:
        outcomes.save_outcomes(organiser, webinar, recording_url="javascript:alert(1)")
    assert refused.value.field == "recording_url"


def test_a_members_only_event_never_reaches_a_suspended_follower(organiser, follower, deliver):
    event = make_event(organiser, is_public=False)
    follows.follow_target(follower, follows.EVENT, event.id)
    factories.moderator()
    follower.status = "suspended"
    db.session.commit()
    services.cancel_event(organiser, event)
    deliver()
    assert _notes(follower) == []


def test_followers_get_one_email_straight_away_by_default(organiser, webinar, follower,
                                                          smtp_server, deliver):
    follows.follow_target(follower, follows.EVENT, webinar.id)
    services.update_event(organiser, webinar, _moved(webinar))
    settle(deliver)
    pass_batch_window()
    settle(deliver)
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "fola@nhs.net"
    assert "has changed" in message["Subject"]
    text = plain(message)
    assert f"http://forum.test/events/{webinar.id}" in text
    assert "because you follow this event" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_never_by_email_keeps_it_on_the_site(organiser, webinar, follower, smtp_server,
                                             deliver):
    set_mode(follower, events=preferences.NEVER)
    follows.follow_target(follower, follows.EVENT, webinar.id)
    services.cancel_event(organiser, webinar)
    settle(deliver)
    pass_batch_window()
    settle(deliver)
    assert [n.email_state for n in _notes(follower)] == [""]
    assert smtp_server.to("fola@nhs.net") == []


def test_event_and_qi_email_cannot_wait_for_a_digest(follower):
    for kind in ("events", "qi"):
        with pytest.raises(InvalidInput) as refused:
            set_mode(follower, **{kind: preferences.DAILY})
        assert refused.value.field == kind


def test_the_preferences_page_offers_qi_and_event_email(client, follower):
    factories.sign_in(client, follower)
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert preferences.KINDS["events"] in page and 'name="qi"' in page
    response = client.post("/notifications/preferences", data={
        "replies": "immediately", "mentions": "immediately", "new_discussions": "daily",
        "moderation": "immediately", "qi": "never", "events": "never", "weekly_day": "0",
        "weekly_hour": "8"})
    assert response.status_code == 303
    saved = preferences.settings_for([follower.id])[follower.id]
    assert (saved.qi, saved.events) == ("never", "never")


def test_an_organiser_adds_the_recording_from_the_page(client, organiser, webinar):
    move_start(webinar, utcnow() - timedelta(hours=3))  # the links are offered once it has begun
    factories.sign_in(client, organiser)
    assert "Learning outcomes, recording and slides" in client.get(
        f"/events/{webinar.id}").get_data(as_text=True)
    refused = client.post(f"/events/{webinar.id}/outcomes",
                          data={"recording_url": "ftp://video.example/rec", "slides_url": ""})
    assert refused.status_code == 400
    assert 'value="ftp://video.example/rec"' in refused.get_data(as_text=True)
    done = client.post(f"/events/{webinar.id}/outcomes",
                       data={"recording_url": "https://video.example/rec", "slides_url": ""})
    assert done.status_code == 303
    page = client.get(f"/events/{webinar.id}").get_data(as_text=True)
    assert 'href="https://video.example/rec"' in page and "Watch the recording" in page


def test_members_cannot_add_materials(client, webinar, follower):
    factories.sign_in(client, follower)
    response = client.post(f"/events/{webinar.id}/outcomes",
                           data={"recording_url": "https://video.example/rec"})
    assert response.status_code == 403
