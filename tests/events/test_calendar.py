"""The .ics files, parsed back with icalendar: times right across both clock changes."""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest

from forum.events import calendar, london, signups
from forum.extensions import db
from tests import factories
from tests.events.conftest import make_event


def _parse(body: bytes | str) -> list:
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


@pytest.mark.parametrize(("day", "clock", "expected_utc"), [
    (date(2030, 10, 26), time(12, 30), datetime(2030, 10, 26, 11, 30, tzinfo=UTC)),  # Sat, BST
    (date(2030, 10, 28), time(12, 30), datetime(2030, 10, 28, 12, 30, tzinfo=UTC)),  # Mon, GMT
    (date(2030, 3, 30), time(12, 30), datetime(2030, 3, 30, 12, 30, tzinfo=UTC)),    # Sat, GMT
    (date(2030, 4, 1), time(12, 30), datetime(2030, 4, 1, 11, 30, tzinfo=UTC)),      # Mon, BST
])
def test_the_ics_start_is_the_london_time_typed_either_side_of_a_change(organiser, day, clock, expected_utc):
    start = london.to_utc(day, clock, field="start")
    event = make_event(organiser, starts_at=start, ends_at=start + timedelta(hours=1))
    (item,) = _parse(calendar.event_ics(event, with_link=False))
    assert item.decoded("dtstart") == expected_utc
    assert item.decoded("dtstart").astimezone(london.LONDON).time() == clock
    assert item.decoded("dtend") - item.decoded("dtstart") == timedelta(hours=1)


def test_an_event_across_the_october_night_lasts_its_real_length(organiser):
    start = london.to_utc(date(2030, 10, 26), time(23, 0), field="s")  # 23:00 BST
    end = london.to_utc(date(2030, 10, 27), time(2, 0), field="e")      # 02:00 GMT
    event = make_event(organiser, starts_at=start, ends_at=end)
    (item,) = _parse(calendar.event_ics(event, with_link=False))
    assert item.decoded("dtend") - item.decoded("dtstart") == timedelta(hours=4)


def test_the_uid_is_stable_and_the_joining_link_is_only_for_people_with_a_place(organiser):
    event = make_event(organiser)
    with_link, without = (_parse(calendar.event_ics(event, with_link=w))[0] for w in (True, False))
    assert str(with_link["uid"]) == str(without["uid"]) == f"event-{event.id}@forum.test"
    assert "dtstamp" in with_link
    assert "https://teams.example/join/abc" in str(with_link["description"])
    assert "teams.example" not in without.to_ical().decode()


def test_the_download_has_the_link_only_for_someone_with_a_place(client, organiser):
    event = make_event(organiser, capacity=1)
    holder, waiting = factories.member(), factories.member()
    signups.sign_up(holder, event)
    signups.sign_up(waiting, event)
    assert b"teams.example" not in client.get(f"/events/{event.id}/event.ics").data
    factories.sign_in(client, waiting)
    assert b"teams.example" not in client.get(f"/events/{event.id}/event.ics").data
    factories.sign_in(client, holder)
    response = client.get(f"/events/{event.id}/event.ics")
    assert response.mimetype == "text/calendar"
    assert b"teams.example/join/abc" in response.data.replace(b"\r\n ", b"")


def test_the_feed_lists_published_upcoming_public_events_only(client, organiser):
    shown = make_event(organiser, title="Public webinar")
    make_event(organiser, title="Members-only webinar", is_public=False)
    make_event(organiser, title="Draft webinar", publish=False)
    past = make_event(organiser, title="Past webinar")
    past.starts_at, past.ends_at = datetime(2020, 1, 1, 12, tzinfo=UTC), datetime(2020, 1, 1, 13, tzinfo=UTC)
    db.session.commit()
    response = client.get("/events.ics")
    assert response.mimetype == "text/calendar"
    items = _parse(response.data)
    assert [str(i["summary"]) for i in items] == ["Public webinar"]
    assert str(items[0]["uid"]) == f"event-{shown.id}@forum.test"
    assert b"teams.example" not in response.data
