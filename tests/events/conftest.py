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
