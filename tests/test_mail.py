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
