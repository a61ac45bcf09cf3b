"""Email through the outbox: one message that can never be sent does not hold back the rest."""

from __future__ import annotations

from forum.notify.mail import queue_email
from forum.outbox import pending_count


def test_a_malformed_email_does_not_stop_the_others_in_its_batch(db, smtp_server, deliver):
    queue_email("first@nhs.net", "Hello", "First message")
    queue_email("broken@nhs.net", "Line one\nBcc: someone@example.org", "Never sent")
    queue_email("second@nhs.net", "Hello again", "Second message")
    db.session.commit()

    deliver()

    received = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in received) == ["first@nhs.net", "second@nhs.net"]
    assert all("someone@example.org" not in str(m) for m in received)
    assert pending_count("email") == 0


def test_a_connection_lost_part_way_through_a_batch_sends_nobody_the_same_email_twice(
        db, app, smtp_server, deliver):
    from sqlalchemy import update

    from forum.notify.models import OutboxMessage

    original = smtp_server.handle_DATA
    calls = []

    async def fail_the_second(server, session, envelope):
        calls.append(envelope)
        if len(calls) == 2:  # the server gives up mid-batch, as a busy relay does
            return "421 Service not available, closing transmission channel"
        return await original(server, session, envelope)

    smtp_server.handle_DATA = fail_the_second
    for n in range(3):
        queue_email(f"member{n}@nhs.net", "Digest", f"Message {n}")
    db.session.commit()

    deliver()
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["member0@nhs.net"]
    assert pending_count("email") == 2, "the first was taken, so only the other two wait"

    smtp_server.handle_DATA = original  # the relay is back; the retry time has come
    db.session.execute(update(OutboxMessage).values(next_attempt_at=None))
    db.session.commit()
    deliver()
    received = smtp_server.wait_for(3)
    assert sorted(m["To"] for m in received) == ["member0@nhs.net", "member1@nhs.net",
                                                 "member2@nhs.net"]
    assert pending_count("email") == 0


def test_outbox_send_in_process_leaves_the_signal_handlers_as_it_found_them(db, runner,
                                                                             smtp_server):
    import signal

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    queue_email("first@nhs.net", "Hello", "First message")
    db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "email: 1 applied, 0 still pending" in result.output
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
