"""Events made through the services, at times relative to now (or to a fixed day)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from forum.db import utcnow
from forum.events import services
from forum.events.models import Event, Kind
from tests import factories


def event_input(**kw) -> services.EventInput:
    start = kw.pop("starts_at", None) or (utcnow() + timedelta(days=7)).replace(microsecond=0)
    values = {"title": "Lymphoedema in primary care", "kind": Kind.WEBINAR, "starts_at": start,
              "ends_at": start + timedelta(hours=1), "capacity": 30,
              "joining_link": "https://teams.example/join/abc", "description": "Bring **questions**."}
    values.update(kw)
    return services.EventInput(**values)


def make_event(organiser, *, publish: bool = True, **kw) -> Event:
    event = services.create_event(organiser, event_input(**kw))
    if publish:
        services.publish_event(organiser, event)
    return event


def move_start(event: Event, starts_at: datetime) -> None:
    """Put an event in the past (or anywhere) directly: the form only takes future times."""
    from forum.extensions import db

    length = event.ends_at - event.starts_at
    event.starts_at, event.ends_at = starts_at, starts_at + length
    db.session.commit()


@pytest.fixture
def organiser(db):
    return factories.admin(display_name="Olu Organiser", email="olu@nhs.net")


@pytest.fixture
def webinar(organiser):
    return make_event(organiser)


DATA = __import__("pathlib").Path(__file__).parent / "data"
# The people in tests/events/data/*.csv who signed up (see the README there).
SAMPLE_PEOPLE = [("Priya Shah", "Priya.Shah@NHS.net"), ("Tom Reid", "tom.reid@nhs.net"),
                 ("Grace Okafor", "grace.okafor@nhs.net"), ("Dan Hughes", "dan.hughes@nhs.net"),
                 ("Aisha Begum", "aisha.begum@nhs.net")]


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def past_event_with_signups(organiser, people=SAMPLE_PEOPLE) -> tuple[Event, dict[str, object]]:
    """A 60-minute webinar that ended an hour ago, with these members signed up."""
    from forum.events import signups

    event = make_event(organiser)
    members = {}
    for name, email in people:
        members[name] = factories.member(display_name=name, email=email)
        signups.sign_up(members[name], event)
    move_start(event, utcnow() - timedelta(hours=2))
    return event, members


@pytest.fixture
def past_webinar(organiser):
    return past_event_with_signups(organiser)
