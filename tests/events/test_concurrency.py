"""Capacity, one row per person, and each reminder once, with two requests truly at once
(PostgreSQL: SQLite has one writer at a time)."""

import os
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.events import signups
from forum.events.models import Event, ReminderSent, Signup, SignupStatus
from forum.extensions import db as _db
from forum.members.models import User
from tests import factories
from tests.events.conftest import make_event

pytestmark = pytest.mark.skipif(not os.environ.get("FORUM_TEST_DATABASE_URL"),
                                reason="concurrent writers: PostgreSQL (SQLite has one writer at a time)")


def _at_once(app, jobs: list[Callable[[], object]]) -> list[object]:
    barrier = threading.Barrier(len(jobs))
    results: list[object] = []

    def run(job) -> None:
        with app.app_context():
            try:
                barrier.wait()
                results.append(job())
            except Exception as error:  # reported by the assertion below
                results.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _sign_up(user_id: int, event_id: int) -> Callable[[], str]:
    def job() -> str:
        return signups.sign_up(_db.session.get(User, user_id), _db.session.get(Event, event_id)).status.value
    return job


def test_two_sign_ups_at_once_for_the_last_place_give_one_place_and_one_wait(app, db, organiser):
    for _ in range(5):
        event = make_event(organiser, capacity=1)
        a, b = factories.member(), factories.member()
        results = _at_once(app, [_sign_up(a.id, event.id), _sign_up(b.id, event.id)])
        assert sorted(map(str, results)) == ["confirmed", "waiting"], results
        db.session.expire_all()
        event = db.session.get(Event, event.id)
        assert (event.confirmed_count, event.waiting_count) == (1, 1)


def test_ten_at_once_for_three_places(app, db, organiser):
    event = make_event(organiser, capacity=3)
    people = [factories.member() for _ in range(10)]
    results = _at_once(app, [_sign_up(p.id, event.id) for p in people])
    assert sorted(map(str, results)) == ["confirmed"] * 3 + ["waiting"] * 7, results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Signup).where(
        Signup.status == SignupStatus.CONFIRMED)) == 3


def test_the_same_person_twice_at_once_has_one_sign_up(app, db, organiser):
    event = make_event(organiser, capacity=5)
    person = factories.member()
    results = _at_once(app, [_sign_up(person.id, event.id), _sign_up(person.id, event.id)])
    assert results == ["confirmed", "confirmed"], results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Signup)) == 1
    assert db.session.get(Event, event.id).confirmed_count == 1


def test_two_reminder_runs_at_once_queue_each_reminder_once(app, db, organiser):
    event = make_event(organiser)
    for _ in range(5):
        signups.sign_up(factories.member(), event)
    now = event.starts_at - timedelta(hours=20)
    results = _at_once(app, [lambda: signups.send_reminders(now=now)] * 2)
    assert sum(r for r in results if isinstance(r, int)) == 5, results
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 5
