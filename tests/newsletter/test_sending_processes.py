"""An issue sent by real `flask outbox` processes to a real SMTP server, the worker killed
(SIGKILL) or stopped (SIGTERM) mid-issue and run again: every subscriber gets exactly one copy."""

from __future__ import annotations

import signal
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from forum.newsletter import issues
from forum.newsletter.models import Delivery, DeliveryStatus, Issue, IssueStatus
from tests import factories
from tests.newsletter.conftest import draft, many_subscribed
from tests.notify.test_outbox_processes import LEASE_SECONDS, flask_outbox, relay  # noqa: F401

SUBSCRIBERS = 12


@pytest.fixture(autouse=True)
def slow_rate(monkeypatch):
    """Two a second: the worker spends most of each second pausing between batches."""
    monkeypatch.setenv("FORUM_NEWSLETTER_RATE", "2")


def _count(db, issue_id: int, status: str) -> int:
    db.session.rollback()  # a fresh look at what the worker committed
    return db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.issue_id == issue_id, Delivery.status == status)) or 0


def _wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _start(db) -> tuple[int, list[str]]:
    addresses = many_subscribed(SUBSCRIBERS)
    organiser = factories.admin()
    issue = issues.send_now(organiser, draft(organiser))
    return issue.id, addresses


def _finish(db, flask_outbox, relay, issue_id):  # noqa: F811
    time.sleep(LEASE_SECONDS + 0.5)  # the stopped worker's claim on the issue's row lapses
    again = flask_outbox("send")
    assert again.wait(120) == 0, again.stdout.read()
    db.session.rollback()
    issue = db.session.get(Issue, issue_id)
    assert issue.status == IssueStatus.SENT
    return issue


def test_killed_mid_issue_and_resumed_every_subscriber_gets_one_copy(db, relay, flask_outbox):  # noqa: F811
    issue_id, addresses = _start(db)
    worker = flask_outbox("run")
    # Kill it between batches: 4 sent and none in flight (it is pausing for the rate).
    _wait_until(lambda: _count(db, issue_id, DeliveryStatus.SENT) >= 4
                and _count(db, issue_id, DeliveryStatus.SENDING) == 0)
    worker.kill()
    worker.wait(10)
    taken = len(relay.messages)
    assert 4 <= taken < SUBSCRIBERS, "killed mid-issue"

    _finish(db, flask_outbox, relay, issue_id)
    assert relay.counts() == Counter(addresses), "every subscriber exactly one copy"
    assert _count(db, issue_id, DeliveryStatus.SENT) == SUBSCRIBERS
    assert len({m["Message-ID"] for m in relay.messages}) == SUBSCRIBERS


def test_stopped_mid_issue_finishes_the_email_in_hand_and_resumes(db, relay, flask_outbox):  # noqa: F811
    issue_id, addresses = _start(db)
    worker = flask_outbox("run")
    _wait_until(lambda: _count(db, issue_id, DeliveryStatus.SENT) >= 3)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(30) == 0, "stops cleanly"
    assert _count(db, issue_id, DeliveryStatus.SENDING) == 0, "nothing left in flight"
    assert len(relay.messages) < SUBSCRIBERS

    _finish(db, flask_outbox, relay, issue_id)
    assert relay.counts() == Counter(addresses)
