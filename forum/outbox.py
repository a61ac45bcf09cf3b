"""Work that follows a change (email, search indexing), written in the change's transaction.

Services call `enqueue` before they commit; whoever processes a topic registers a handler,
and `process` applies pending rows after commit with retries and back-off. A crash between
commit and processing loses nothing: the rows are still there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import event, or_, select
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


def process(topic: str, *, limit: int = 200) -> int:
    """Apply up to `limit` due rows of one topic; returns how many were applied."""
    handler = _handlers.get(topic)
    if handler is None:
        return 0
    now = utcnow()
    stmt = (
        select(OutboxMessage)
        .where(
            OutboxMessage.topic == topic,
            OutboxMessage.processed_at.is_(None),
            OutboxMessage.attempts < MAX_ATTEMPTS,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    messages = list(db.session.scalars(stmt))
    if not messages:
        db.session.rollback()
        return 0
    try:
        handler(messages)
    except Exception as error:  # one bad batch must not stop the worker
        log.exception("Outbox %s batch failed", topic)
        for message in messages:
            if message.processed_at is not None:  # the handler finished this one before failing
                continue
            message.attempts += 1
            message.last_error = str(error)[:2000]
            message.next_attempt_at = now + timedelta(seconds=30 * 2 ** message.attempts)
        db.session.commit()
        return 0
    for message in messages:
        message.processed_at = utcnow()
        message.attempts += 1
    db.session.commit()
    return len(messages)


def process_all(topic: str, *, batch: int = 200) -> int:
    done = 0
    while n := process(topic, limit=batch):
        done += n
    return done


def topics() -> list[str]:
    return sorted(_handlers)



@event.listens_for(Session, "after_commit")
def _wake_worker(session: Session) -> None:
    if session.info.pop("outbox_dirty", False):
        wake.set()
