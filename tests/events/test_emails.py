"""The emails as they arrive at a real SMTP server: words, attachment, each sent once."""

from datetime import UTC, datetime, timedelta

import icalendar

from forum.events import services, signups
from forum.extensions import db
from tests import factories
from tests.events.conftest import make_event


def _at(event, when: datetime) -> None:
    length = event.ends_at - event.starts_at
    event.starts_at, event.ends_at = when, when + length
    db.session.commit()


def test_the_confirmation_says_when_how_to_join_and_carries_the_ics(smtp_server, deliver, organiser):
    event = make_event(organiser, title="Fatigue webinar")
    _at(event, datetime(2030, 10, 28, 12, 30, tzinfo=UTC))
    person = factories.member(display_name="Ama Nurse", email="ama@nhs.net")
    signups.sign_up(person, event)
    deliver()
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "ama@nhs.net"
    assert message["Subject"] == "Your place: Fatigue webinar"
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body == (
        "Hello Ama Nurse,\n\nYou have a place at:\n\nFatigue webinar\n"
        "When: Monday 28 October 2030, 12:30pm (GMT) to 1:30pm (GMT)\n"
        "Join online: https://teams.example/join/abc\n"
        f"Details: http://forum.test/events/{event.id}\n\n"
        "The event is attached as a calendar file. If you cannot come, please cancel so "
        "someone else can have your place.\n")
    (ics,) = [part for part in message.iter_attachments()]
    assert ics.get_content_type() == "text/calendar"
    assert ics.get_filename() == f"event-{event.id}.ics"
    (item,) = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert item.decoded("dtstart") == datetime(2030, 10, 28, 12, 30, tzinfo=UTC)


def test_the_waiting_list_email_has_no_joining_link_and_the_promotion_does(smtp_server, deliver, organiser):
    event = make_event(organiser, capacity=1)
    first, second = factories.member(), factories.member(email="second@nhs.net")
    signups.sign_up(first, event)
    place = signups.sign_up(second, event)
    deliver()
    smtp_server.wait_for(2)
    (waiting,) = smtp_server.to("second@nhs.net")
    assert "teams.example" not in waiting.as_string()
    assert "The joining link is sent to people with a place." in waiting.get_content()
    signups.cancel_signup(first, db.session.get(type(place), place.id - 1))
    deliver()
    smtp_server.wait_for(3)
    promoted = smtp_server.to("second@nhs.net")[-1]
    assert promoted["Subject"] == f"A place has come up for you: {event.title}"
    assert "it is yours. You do not need to do anything" in promoted.get_body(("plain",)).get_content()
    assert "Join online: https://teams.example/join/abc" in promoted.get_body(("plain",)).get_content()


def test_reminders_arrive_once_each_however_often_cron_and_the_deliverer_run(smtp_server, deliver, organiser):
    event = make_event(organiser)
    factories.member(email="rem@nhs.net")
    signups.sign_up(factories.member(email="rem2@nhs.net"), event)
    for minutes in (20 * 60, 20 * 60, 19 * 60, 50, 45):
        signups.send_reminders(now=event.starts_at - timedelta(minutes=minutes))
        deliver()
        deliver()
    smtp_server.wait_for(3)
    subjects = [m["Subject"] for m in smtp_server.to("rem2@nhs.net")]
    assert subjects == [f"Your place: {event.title}", f"Reminder: {event.title} starts tomorrow",
                        f"Reminder: {event.title} starts in an hour"]


def test_cancellation_reaches_the_waiting_list_too(smtp_server, deliver, organiser):
    event = make_event(organiser, capacity=1)
    signups.sign_up(factories.member(email="has@nhs.net"), event)
    signups.sign_up(factories.member(email="waits@nhs.net"), event)
    services.cancel_event(organiser, event)
    deliver()
    smtp_server.wait_for(4)
    for address in ("has@nhs.net", "waits@nhs.net"):
        assert smtp_server.to(address)[-1]["Subject"] == f"Cancelled: {event.title}"
    attachment = next(smtp_server.to("has@nhs.net")[-1].iter_attachments())
    assert "STATUS:CANCELLED" in attachment.get_content()


def test_a_guest_cancels_through_the_link_in_their_email(smtp_server, deliver, client, db, organiser):
    from forum.auth import tokens
    from forum.events.models import Signup, SignupStatus

    event = make_event(organiser, allow_guests=True, capacity=1)
    guest = signups.sign_up_guest(event, name="Gita Guest", email="gita@example.org",
                                  profession="Dietitian", organisation="Hospice")
    fingerprint = tokens.fingerprint("gita@example.org")
    signups.verify_guest(tokens.make(signups.GUEST_SALT, {"id": guest.id, "e": fingerprint}))
    waiting = signups.sign_up(factories.member(email="next@nhs.net"), event)
    deliver()
    confirmation = smtp_server.wait_for(3) and smtp_server.to("gita@example.org")[-1]
    text = confirmation.get_body(("plain",)).get_content()
    link = next(line for line in text.splitlines() if "/cancel" in line).strip()
    path = link.replace("http://forum.test", "")
    assert "Cancel my place" in client.get(path).get_data(as_text=True)
    assert client.post(path).status_code == 303
    db.session.expire_all()
    assert db.session.get(Signup, guest.id).status == SignupStatus.CANCELLED
    assert db.session.get(Signup, waiting.id).status == SignupStatus.CONFIRMED
    assert client.get(path.replace("/cancel", "x/cancel")).status_code == 400
