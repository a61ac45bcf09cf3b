"""The in-process worker: applies outbox rows (email, search) in a thread of this process.

Used by the demo and the browser tests; production may run `flask outbox run` instead.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask

from forum import outbox
from forum.extensions import db

log = logging.getLogger(__name__)


def drain(app: Flask) -> int:
    done = 0
    with app.app_context():
        try:
            for topic in outbox.topics():
                done += outbox.process_all(topic)
        finally:
            db.session.remove()
    return done


def run_forever(app: Flask, stop: threading.Event, idle_seconds: float = 5.0) -> None:
    while not stop.is_set():
        outbox.wake.wait(idle_seconds)
        outbox.wake.clear()
        try:
            drain(app)
        except Exception:  # keep going: the rows stay pending and are retried
            log.exception("Outbox worker pass failed")


def start(app: Flask) -> threading.Event:
    stop = threading.Event()
    thread = threading.Thread(target=run_forever, args=(app, stop), name="outbox-worker",
                              daemon=True)
    thread.start()
    return stop
