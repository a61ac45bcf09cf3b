"""Sending an issue: the outbox handler for the "newsletter" topic.

The first run for an issue fixes its recipients (one Delivery row per confirmed,
unsuppressed subscriber, made by one INSERT ... SELECT) and gives it its number. Then it
sends in batches of NEWSLETTER_RATE a second (default 5), each email its own SMTP
transaction:

  pending --(UPDATE ... WHERE status = 'pending', committed)--> sending --(server took it,
  committed)--> sent

Only a sender whose UPDATE changed the row sends it, so two senders never send one copy
twice. A sender killed mid-issue leaves its rows pending (sent later by the next run, when
the outbox row's claim lapses) and at most the one row it had in flight "sending": that
one is never sent again (it may have arrived) but marked failed, "interrupted", for the
organiser to see. So nobody gets a second copy.

A run sends for at most NEWSLETTER_SLICE_SECONDS, then queues the rest as a new outbox
row, so no claim outlives its lease and other mail is not held up for a whole issue.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Sequence
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.orm import joinedload

from forum import outbox
from forum.db import utcnow
from forum.extensions import db
from forum.newsletter import issues
from forum.newsletter.models import (
    Delivery,
    DeliveryStatus,
    Issue,
    IssueStatus,
    Subscriber,
    SubscriberStatus,
)
from forum.newsletter.subscribers import record_bounce, unsubscribe_url
from forum.notify import mail
from forum.notify.models import OutboxMessage

log = logging.getLogger(__name__)
INTERRUPTED = "Interrupted while being sent; not sent again in case it arrived."
_NO_SYNC = {"synchronize_session": False}


def _rate() -> float:
    return max(0.1, float(current_app.config.get("NEWSLETTER_RATE", 5)))


def _stale() -> timedelta:
    """How long a row may stay "sending" before its sender is taken to have died: longer
    than one SMTP conversation can last (its timeout is 20 seconds)."""
    return timedelta(seconds=current_app.config.get("NEWSLETTER_STALE_SECONDS", 120))


def start(issue: Issue) -> None:
    """Fix the recipients and the number (the caller commits)."""
    now = utcnow()
    issue.status, issue.started_at = IssueStatus.SENDING, now
    issue.number = issues.next_number()
    recipients = select(literal(issue.id), Subscriber.id, literal(DeliveryStatus.PENDING.value)) \
        .where(Subscriber.status == SubscriberStatus.SUBSCRIBED)
    db.session.execute(insert(Delivery).from_select(["issue_id", "subscriber_id", "status"],
                                                    recipients))
    issue.recipient_count = db.session.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.issue_id == issue.id)) or 0


def _claim(delivery_id: int) -> bool:
    """Take one row for sending, committed before the email goes: True if it is ours."""
    result = db.session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.SENDING, started_at=utcnow()), execution_options=_NO_SYNC)
    db.session.commit()
    return result.rowcount == 1


def _finish(delivery_id: int, status: str, error: str = "") -> None:
    db.session.execute(update(Delivery).where(Delivery.id == delivery_id)
                       .values(status=status, sent_at=utcnow() if status == DeliveryStatus.SENT
                               else None, error=error[:300]), execution_options=_NO_SYNC)
    db.session.commit()


def _give_up_on_stale(issue: Issue) -> None:
    db.session.execute(
        update(Delivery).where(Delivery.issue_id == issue.id,
                               Delivery.status == DeliveryStatus.SENDING,
                               Delivery.started_at < utcnow() - _stale())
        .values(status=DeliveryStatus.FAILED, error=INTERRUPTED), execution_options=_NO_SYNC)


def _send_one(smtp: smtplib.SMTP | None, issue: Issue, delivery: Delivery) -> None:
    subscriber = delivery.subscriber
    if subscriber.status != SubscriberStatus.SUBSCRIBED:  # unsubscribed since the start
        _finish(delivery.id, DeliveryStatus.SKIPPED)
        return
    email = issues.render_issue(issue, unsubscribe=unsubscribe_url(subscriber))
    message = mail.compose({"to": subscriber.email, "subject": email.subject, "text": email.text,
                            "html": email.html, "headers": email.headers,
                            "from": issues.sender()},
                           mail.message_id(f"newsletter-{issue.id}.{delivery.id}"))
    if smtp is None:
        mail.print_email(message)
    else:
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            if not mail.refused_for_good(error):
                _finish(delivery.id, DeliveryStatus.PENDING)  # a temporary refusal: later
                raise
            record_bounce(subscriber.email)
            _finish(delivery.id, DeliveryStatus.FAILED, "Refused by the recipient's server")
            return
    _finish(delivery.id, DeliveryStatus.SENT)


def send_issue(issue: Issue) -> bool:
    """Send what is pending, paced; True when nothing is left."""
    rate, slice_end = _rate(), time.monotonic() + current_app.config.get(
        "NEWSLETTER_SLICE_SECONDS", 120)
    batch_size = max(1, round(rate))
    backend = current_app.config["MAIL_BACKEND"]
    with (mail.smtp_connection() if backend != "console" else _no_connection()) as smtp:
        while time.monotonic() < slice_end:
            began = time.monotonic()
            batch = list(db.session.scalars(
                select(Delivery).where(Delivery.issue_id == issue.id,
                                       Delivery.status == DeliveryStatus.PENDING)
                .options(joinedload(Delivery.subscriber)).order_by(Delivery.id).limit(batch_size)))
            if not batch:
                return True
            for delivery in batch:
                outbox.check_stop()
                if _claim(delivery.id):
                    _send_one(smtp, issue, delivery)
            # Throttle: a batch of `rate` emails a second at most.
            pause = batch_size / rate - (time.monotonic() - began)
            if pause > 0:
                outbox.check_stop()
                time.sleep(pause)
    return False


class _no_connection:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _complete(issue: Issue) -> None:
    busy = db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.issue_id == issue.id,
        Delivery.status.in_((DeliveryStatus.PENDING, DeliveryStatus.SENDING))))
    if not busy:
        issue.status, issue.sent_at = IssueStatus.SENT, utcnow()


def handle(messages: Sequence[OutboxMessage]) -> None:
    """Outbox handler: one row per issue to start or carry on sending."""
    for message in messages:
        issue = db.session.get(Issue, message.payload.get("issue_id"))
        if issue is None or issue.status in (IssueStatus.DRAFT, IssueStatus.SENT):
            continue
        if issue.status == IssueStatus.SCHEDULED:
            if issue.scheduled_at and issue.scheduled_at > utcnow():
                continue  # rescheduled later: that time's own row starts it
            start(issue)
            db.session.commit()
        _give_up_on_stale(issue)
        db.session.commit()
        if not send_issue(issue):
            outbox.enqueue(issues.TOPIC, {"issue_id": issue.id})  # the rest, in the next run
        _give_up_on_stale(issue)
        _complete(issue)
        db.session.commit()


def resume_interrupted() -> int:
    """Issues still sending with no outbox row to carry them on (one was given up after every
    retry): queue them again. `flask newsletter resume`."""
    resumed = 0
    for issue in db.session.scalars(select(Issue).where(Issue.status == IssueStatus.SENDING)):
        outbox.enqueue(issues.TOPIC, {"issue_id": issue.id})
        resumed += 1
    db.session.commit()
    return resumed
