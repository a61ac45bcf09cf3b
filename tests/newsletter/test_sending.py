"""Sending an issue through the outbox to a real SMTP server: one copy each, the list's
headers, unsubscribes taking effect mid-issue, the copy in flight when a sender died, bounces,
progress and the archive."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum.db import utcnow
from forum.errors import InvalidInput
from forum.extensions import db
from forum.newsletter import issues, queries, sending, subscribers
from forum.newsletter.models import Delivery, DeliveryStatus, IssueStatus
from tests import factories
from tests.newsletter.conftest import draft, many_subscribed, subscribed


@pytest.fixture(autouse=True)
def fast(app):
    old = app.config["NEWSLETTER_RATE"]
    app.config["NEWSLETTER_RATE"] = 1000  # no pauses here; the pacing has its own test
    yield
    app.config["NEWSLETTER_RATE"] = old


def test_every_confirmed_subscriber_gets_one_copy(db, smtp_server, deliver):
    addresses = many_subscribed(12)
    subscribers.sign_up(email="pending@example.org", agreed=True)  # never confirmed
    organiser = factories.admin()
    issue = issues.send_now(organiser, draft(organiser))
    deliver()
    smtp_server.wait_for(13)
    newsletters = [m for m in smtp_server.messages if "Confirm" not in m["Subject"]]
    assert Counter(m["To"] for m in newsletters) == Counter(addresses)
    assert issue.status == IssueStatus.SENT and issue.number == 1
    assert queries.progress(issue) == {"sent": 12, "pending": 0, "failed": 0, "skipped": 0,
                                       "total": 12}
    message = newsletters[0]
    row = subscribers.find(message["To"])
    assert message["List-Unsubscribe"] == f"<{subscribers.unsubscribe_url(row)}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "newsletter" in message["List-Id"]
    assert message.get_body(("plain",)).get_content().count(subscribers.unsubscribe_url(row)) == 1


def test_sending_twice_sends_nothing_more(db, smtp_server, deliver):
    many_subscribed(3)
    organiser = factories.admin()
    issue = issues.send_now(organiser, draft(organiser))
    deliver()
    smtp_server.wait_for(3)
    with pytest.raises(InvalidInput, match="sent"):
        issues.send_now(organiser, issue)
    deliver()
    assert len(smtp_server.messages) == 3


def _started(n: int):
    """An issue whose recipients (`n` subscribers) are fixed and none yet sent."""
    many_subscribed(n)
    organiser = factories.admin()
    issue = draft(organiser)
    issues.send_now(organiser, issue)
    sending.start(issue)
    db.session.commit()
    return issue


def test_an_unsubscribe_mid_issue_takes_effect_at_once(db, smtp_server, deliver):
    issue = _started(3)
    subscribers.unsubscribe(subscribers.find("reader1@example.org"))
    deliver()
    smtp_server.wait_for(2)
    assert {m["To"] for m in smtp_server.messages} == {"reader0@example.org", "reader2@example.org"}
    assert queries.progress(issue)["skipped"] == 1


def test_the_copy_in_flight_when_a_sender_died_is_not_sent_again(db, smtp_server, deliver):
    issue = _started(3)
    first = db.session.scalars(select(Delivery).order_by(Delivery.id)).first()
    # As a killed sender leaves it: claimed, its SMTP conversation never reported back.
    db.session.execute(update(Delivery).where(Delivery.id == first.id).values(
        status=DeliveryStatus.SENDING, started_at=utcnow() - timedelta(minutes=10)))
    db.session.commit()
    deliver()
    smtp_server.wait_for(2)
    assert len(smtp_server.messages) == 2
    assert first.subscriber.email not in {m["To"] for m in smtp_server.messages}
    db.session.refresh(first)
    assert first.status == DeliveryStatus.FAILED and "not sent again" in first.error
    assert issue.status == IssueStatus.SENT


def test_a_refused_address_counts_as_a_bounce(db, smtp_server, deliver):
    subscribed("gone@example.org")

    async def handle_RCPT(server, session, envelope, address, options):
        if address == "gone@example.org":
            return "550 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handle_RCPT = handle_RCPT
    organiser = factories.admin()
    issue = issues.send_now(organiser, draft(organiser))
    deliver()
    assert queries.progress(issue)["failed"] == 1
    assert subscribers.find("gone@example.org").bounce_count == 1


def test_a_scheduled_issue_waits_for_its_time(db, smtp_server, deliver):
    many_subscribed(2)
    organiser = factories.admin()
    issue = issues.schedule(organiser, draft(organiser), utcnow() + timedelta(days=1))
    deliver()
    assert smtp_server.messages == [] and issue.status == IssueStatus.SCHEDULED


def test_progress_and_archive_pages(client, db, smtp_server, deliver):
    many_subscribed(2)
    organiser = factories.admin()
    issue = issues.send_now(organiser, draft(organiser))
    deliver()
    factories.sign_in(client, organiser)
    subscribers.unsubscribe(subscribers.find("reader0@example.org"))
    page = client.get(f"/newsletter/manage/issues/{issue.id}/progress")
    assert b'id="progress-sent">2<' in page.data
    assert b'id="progress-unsubscribed">1<' in page.data
    visitor = client.application.test_client()
    archived = visitor.get("/newsletter/1")
    assert archived.status_code == 200 and b"December news" in archived.data
    assert b"Private detail" not in archived.data and queries.SIGN_IN.encode() in archived.data
    assert b"/newsletter/1" in visitor.get("/newsletter").data


def test_pacing_sends_at_most_the_rate_each_second(app, db, monkeypatch):
    """Counts the pauses instead of timing them: at 2 a second, 5 emails are 3 batches."""
    app.config["NEWSLETTER_RATE"], app.config["MAIL_BACKEND"] = 2, "console"
    issue = _started(5)
    pauses: list[float] = []
    monkeypatch.setattr(sending.time, "sleep", pauses.append)
    try:
        assert sending.send_issue(issue) is True
    finally:
        app.config["MAIL_BACKEND"] = "smtp"
    assert len(pauses) == 3 and all(0 < p <= 1 for p in pauses)
