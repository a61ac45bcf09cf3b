"""Work that follows a change (email, search indexing), written in the change's transaction.

Services call `enqueue` before they commit; whoever processes a topic registers a handler,
and `process` applies pending rows after commit with retries and back-off. A crash between
commit and processing loses nothing: the rows are still there.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import event, func, inspect, or_, select, update
from sqlalchemy.orm import Session

from forum.db import utcnow
from forum.extensions import db
from forum.notify.models import OutboxMessage

log = logging.getLogger(__name__)

Handler = Callable[[Sequence[OutboxMessage]], None]
_handlers: dict[str, Handler] = {}
MAX_ATTEMPTS = 8
# Set after any commit that wrote outbox rows, so the in-process worker wakes at once.
wake = threading.Event()
# Set when the worker process is asked to stop (SIGTERM, Ctrl+C): the message in hand is
# finished, the rest of its batch is left for the next run.
shutdown = threading.Event()
_NO_SYNC = {"synchronize_session": False}  # bulk updates of rows the session need not track


def enqueue(topic: str, payload: dict[str, Any]) -> OutboxMessage:
    message = OutboxMessage(topic=topic, payload=payload)
    db.session.add(message)
    db.session.info["outbox_dirty"] = True
    return message


def register_handler(topic: str, handler: Handler) -> None:
    _handlers[topic] = handler


def pending_count(topic: str | None = None) -> int:
    stmt = select(db.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.processed_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS
    )
    if topic:
        stmt = stmt.where(OutboxMessage.topic == topic)
    return db.session.scalar(stmt) or 0


class Interrupted(Exception):
    """Raised by a handler between two messages once the worker has been asked to stop."""


def check_stop() -> None:
    """Called by a handler before each message it sends: after SIGTERM, stop here."""
    if shutdown.is_set():
        raise Interrupted


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])


def _claim(topic: str, limit: int) -> tuple[str, list[OutboxMessage]]:
    """Claim up to `limit` due rows with one UPDATE, committed before any is applied.

    One statement is atomic on SQLite (it takes the write lock before it reads), and on
    PostgreSQL the rows another deliverer is claiming are skipped (FOR UPDATE SKIP LOCKED), so
    two deliverers never hold the same row. A claim lapses after OUTBOX_LEASE_SECONDS (renewed
    as each message is done), so the rows of a killed deliverer are taken up again.
    """
    token, now = uuid.uuid4().hex, utcnow()
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.topic == topic,
            OutboxMessage.processed_at.is_(None),
            OutboxMessage.attempts < MAX_ATTEMPTS,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = db.session.scalars(
        update(OutboxMessage).where(OutboxMessage.id.in_(due))
        .values(claimed_by=token, claimed_until=now + _lease())
        .returning(OutboxMessage.id), execution_options=_NO_SYNC).all()
    db.session.commit()
    # When this session's claim runs out (mark_done renews it only once half has gone).
    db.session.info["outbox_claim"] = (token, now + _lease())
    if not claimed:
        return token, []
    return token, list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)))


def mark_done(message: OutboxMessage) -> None:
    """Record one message as done, committed before the next is sent (email does this after
    each message the server takes), so a worker stopped or killed mid-batch sends at most
    the message it had in hand again. Renews the claim on the rest of the batch once half
    the lease has gone (the claim's end is kept in the session's info by _claim)."""
    (message_id,) = inspect(message).identity
    now = utcnow()
    held = db.session.info.get("outbox_claim")
    # Renewing after every message cost an UPDATE of the whole batch per email.
    if held is None or held[1] - now < _lease() / 2:
        claim = select(OutboxMessage.claimed_by).where(OutboxMessage.id == message_id)
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.claimed_by == claim.scalar_subquery(),
                   OutboxMessage.processed_at.is_(None), OutboxMessage.id != message_id)
            .values(claimed_until=now + _lease()), execution_options=_NO_SYNC)
        if held is not None:
            db.session.info["outbox_claim"] = (held[0], now + _lease())
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id)
        .values(processed_at=now, attempts=OutboxMessage.attempts + 1, claimed_until=None),
        execution_options=_NO_SYNC)
    db.session.commit()


def process(topic: str, *, limit: int = 200) -> int:
    """Apply up to `limit` due rows of one topic; returns how many were applied.

    A handler either applies the whole batch (search: the index updates are idempotent, so
    a batch cut short is simply applied again), or marks each message with `mark_done` as
    it goes (email) and may stop between messages (`check_stop`).
    """
    handler = _handlers.get(topic)
    if handler is None:
        return 0
    token, messages = _claim(topic, limit)
    if not messages:
        return 0
    mine = (OutboxMessage.claimed_by == token, OutboxMessage.processed_at.is_(None))
    try:
        handler(messages)
    except Interrupted:
        db.session.rollback()
        # Not an attempt: whoever runs next takes the rest at once.
        db.session.execute(update(OutboxMessage).where(*mine)
                           .values(claimed_by=None, claimed_until=None),
                           execution_options=_NO_SYNC)
        db.session.commit()
        return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.claimed_by == token, OutboxMessage.processed_at.is_not(None))) or 0
    except Exception as error:  # one bad batch must not stop the worker
        db.session.rollback()
        log.exception("Outbox %s batch failed", topic)
        now = utcnow()
        for message_id, attempts in db.session.execute(
                select(OutboxMessage.id, OutboxMessage.attempts).where(*mine)).all():
            db.session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message_id)
                .values(attempts=attempts + 1, last_error=str(error)[:2000],
                        next_attempt_at=now + timedelta(seconds=30 * 2 ** (attempts + 1)),
                        claimed_until=None), execution_options=_NO_SYNC)
        db.session.commit()
        return 0
    db.session.execute(update(OutboxMessage).where(*mine)
                       .values(processed_at=utcnow(), attempts=OutboxMessage.attempts + 1,
                               claimed_until=None), execution_options=_NO_SYNC)
    db.session.commit()
    return len(messages)


def process_all(topic: str, *, batch: int = 200) -> int:
    """Apply batches until none is due, or until the worker is asked to stop."""
    done = 0
    while not shutdown.is_set() and (n := process(topic, limit=batch)):
        done += n
    return done


def topics() -> list[str]:
    return sorted(_handlers)



@event.listens_for(Session, "after_commit")
def _wake_worker(session: Session) -> None:
    if session.info.pop("outbox_dirty", False):
        wake.set()
