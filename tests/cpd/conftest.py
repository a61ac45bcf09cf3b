"""CPD fixtures: a nurse, a past webinar, and attendance recorded as the events domain does
(an Attendance row, then the `events.attended` outbox message, applied by the worker)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum import outbox
from forum.db import utcnow
from forum.events.models import Attendance
from forum.extensions import db
from tests import factories as f
from tests.conftest import send_outbox
from tests.events.conftest import make_event, move_start


@pytest.fixture
def nurse(db):
    return f.member(display_name="Grace Adeyemi", email="grace.adeyemi@nhs.net")


@pytest.fixture
def other(db):
    return f.member(display_name="Sam Other")


@pytest.fixture
def organiser(db):
    return f.admin(display_name="Olu Organiser", email="olu@nhs.net")


@pytest.fixture
def past_webinar(organiser):
    event = make_event(organiser, title="Lymphoedema in primary care")
    move_start(event, (utcnow() - timedelta(days=10)).replace(microsecond=0))
    return event


def attend(app, event, user, *, minutes: int | None = 55) -> Attendance:
    row = Attendance(event_id=event.id, email=user.email.upper(), name=user.display_name,
                     minutes=minutes, source="checklist")
    db.session.add(row)
    outbox.enqueue("events.attended", {"event_id": event.id, "user_id": user.id})
    db.session.commit()
    send_outbox(app)
    return row


def unattend(app, event, user) -> None:
    db.session.execute(Attendance.__table__.delete().where(Attendance.event_id == event.id))
    outbox.enqueue("events.attendance_removed", {"event_id": event.id, "user_id": user.id})
    db.session.commit()
    send_outbox(app)
