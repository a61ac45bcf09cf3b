"""The outbox worker as it runs in production: real `flask outbox` processes, a real SMTP
server counting what it takes, and the worker stopped by SIGKILL and SIGTERM mid-batch."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from forum.notify.mail import queue_email
from forum.outbox import pending_count
from tests.conftest import ROOT, Mailbox, _free_port

LEASE_SECONDS = 1


class SlowMailbox(Mailbox):
    """A relay that takes a few milliseconds per message, so a batch is still going when the
    worker is stopped."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)

    def counts(self) -> Counter:
        return Counter(m["To"] for m in self.messages)


@pytest.fixture
def relay():
    from aiosmtpd.controller import Controller

    mailbox = SlowMailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    mailbox.port = port
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def flask_outbox(app, relay, tmp_path):
    """Start `flask --app forum outbox <args>` on the tests' database, sending to the relay."""
    env = {**os.environ,
           "FORUM_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "FORUM_SECRET_KEY": "test-secret",
           "FORUM_SEARCH_DIR": app.config["SEARCH_DIR"],
           "FORUM_SMTP_HOST": "127.0.0.1", "FORUM_SMTP_PORT": str(relay.port),
           "FORUM_OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
           "FORUM_INPROCESS_WORKER": "0", "PYTHONUNBUFFERED": "1"}
    started: list[subprocess.Popen] = []

    def start(*args: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("flask")), "--app", "forum", "outbox", *args],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def _queue(db, n: int) -> list[str]:
    addresses = [f"person{i}@nhs.net" for i in range(n)]
    for address in addresses:
        queue_email(address, "Your digest", f"Hello {address}")
    db.session.commit()
    return addresses


def _wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _run_again(db, flask_outbox, relay, count: int) -> None:
    time.sleep(LEASE_SECONDS + 0.5)  # a claim the stopped worker held has lapsed
    finished = flask_outbox("send")
    assert finished.wait(120) == 0, finished.stdout.read()
    _wait_until(lambda: len(relay.counts()) >= count)
    db.session.remove()
    assert pending_count("email") == 0


def test_sigterm_mid_batch_finishes_the_message_in_hand_and_nothing_is_sent_twice(
        db, relay, flask_outbox):
    addresses = _queue(db, 200)
    worker = flask_outbox("run")
    _wait_until(lambda: len(relay.messages) >= 40)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(30) == 0, "stops cleanly"
    output = worker.stdout.read()
    assert "Stopped" in output, output
    taken = len(relay.messages)
    assert taken < 200, "stopped mid-batch, not after it"

    _run_again(db, flask_outbox, relay, 200)
    assert relay.counts() == Counter(addresses), "every email exactly once"


def test_sigkill_mid_batch_resends_at_most_the_message_in_flight(db, relay, flask_outbox):
    addresses = _queue(db, 200)
    worker = flask_outbox("run")
    _wait_until(lambda: len(relay.messages) >= 40)
    worker.kill()
    worker.wait(10)
    assert len(relay.messages) < 200, "killed mid-batch"

    _run_again(db, flask_outbox, relay, 200)
    counts = relay.counts()
    assert set(counts) == set(addresses)
    # The one the server had taken when the kill came, before its mark was committed, is
    # the only one that can go twice.
    assert sum(counts.values()) - len(addresses) <= 1, counts.most_common(3)
    # ... and a second copy carries the first's Message-ID, so mail systems see one message.
    assert len({m["Message-ID"] for m in relay.messages}) == len(addresses)


def test_two_overlapping_outbox_sends_deliver_each_email_once(db, relay, flask_outbox):
    addresses = _queue(db, 100)
    first, second = flask_outbox("send"), flask_outbox("send")
    assert first.wait(120) == 0, first.stdout.read()
    assert second.wait(120) == 0, second.stdout.read()
    _wait_until(lambda: len(relay.counts()) >= 100)
    assert relay.counts() == Counter(addresses), "every email exactly once"
    db.session.remove()
    assert pending_count("email") == 0
