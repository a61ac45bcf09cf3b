"""Email: queued through the outbox, delivered by SMTP (or printed, in the demo)."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import sys
from collections.abc import Iterator, Sequence
from email.message import EmailMessage
from email.utils import parseaddr

from flask import current_app

from forum import outbox
from forum.notify.models import OutboxMessage

log = logging.getLogger(__name__)


def queue_email(to: str, subject: str, text: str, *, attachments: list[dict] | None = None) -> None:
    """Queue a plain-text email; it is sent after the caller commits. Each attachment is
    {"filename", "content_type" ("text/calendar"), "content" (text)}."""
    payload: dict = {"to": to, "subject": subject, "text": text}
    if attachments:
        payload["attachments"] = attachments
    outbox.enqueue("email", payload)


def message_id(name: str) -> str:
    """A Message-ID on the sender's domain: `name` must be unique and the same on every
    attempt, so that should an email go twice mail systems can tell it is one message."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    return f"<{name}@{domain}>"


def compose(payload: dict, msgid: str) -> EmailMessage:
    """An email from a queued payload: to, subject, text, and optional html, headers (a
    dict, e.g. List-Unsubscribe), from (else MAIL_FROM) and attachments."""
    message = EmailMessage()
    message["From"] = payload.get("from") or current_app.config["MAIL_FROM"]
    message["Message-ID"] = msgid
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    for name, value in (payload.get("headers") or {}).items():
        message[name] = value
    message.set_content(payload["text"])
    if payload.get("html"):
        message.add_alternative(payload["html"], subtype="html")
    for item in payload.get("attachments", ()):
        maintype, _, subtype = item["content_type"].partition("/")
        message.add_attachment(item["content"].encode(), maintype=maintype, subtype=subtype,
                               filename=item["filename"])
    return message


def _build(payload: dict, row: OutboxMessage) -> EmailMessage:
    # One Message-ID per queued email; the time it was queued keeps it unique should ids
    # ever be reused (a restored backup).
    return compose(payload, message_id(f"outbox-{row.id}.{row.created_at:%Y%m%d%H%M%S%f}"))


@contextlib.contextmanager
def smtp_connection() -> Iterator[smtplib.SMTP]:
    """An SMTP connection as configured (STARTTLS, login), closed afterwards."""
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        yield smtp


def refused_for_good(error: smtplib.SMTPRecipientsRefused) -> bool:
    """A permanent refusal (5xx for every recipient): retrying will not help."""
    return all(code >= 500 for code, _ in error.recipients.values())


def print_email(message: EmailMessage) -> None:
    """The console backend (the demo): the plain-text part on stderr."""
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    print(f"\n--- email to {message['To']} ---\nSubject: {message['Subject']}\n\n"
          f"{text}--- end of email ---", file=sys.stderr, flush=True)


def _stopped(payloads: Sequence[dict]) -> set[str]:
    """Addresses among `payloads` whose notification email has stopped after bounces."""
    from sqlalchemy import func, select

    from forum.extensions import db
    from forum.members.models import User
    from forum.notify.models import EmailSettings

    to = {p["to"].lower() for p in payloads if p.get("notice")}
    if not to:
        return set()
    return set(db.session.scalars(
        select(func.lower(User.email)).join(EmailSettings, EmailSettings.user_id == User.id)
        .where(func.lower(User.email).in_(to), EmailSettings.mail_stopped_at.is_not(None))))


def deliver(messages: Sequence[OutboxMessage]) -> None:
    """Outbox handler for the "email" topic.

    Each email is marked done, and committed, as soon as the server has taken it, so if the
    connection fails part-way through a batch, or the worker is stopped or killed, the next
    run sends only the rest (nobody gets the same email twice; after a kill, at most the one
    in flight). After SIGTERM the worker stops before the next email.
    """
    config = current_app.config
    built: list[tuple[OutboxMessage, EmailMessage]] = []
    stopped = _stopped([m.payload for m in messages if isinstance(m.payload, dict)
                        and isinstance(m.payload.get("to"), str)])
    for m in messages:
        if m.payload.get("notice") and str(m.payload.get("to", "")).lower() in stopped:
            outbox.mark_done(m)  # the address bounced too often: not sent, not retried
            continue
        try:
            built.append((m, _build(m.payload, m)))
        except (KeyError, TypeError, ValueError):
            # It can never be sent; failing the batch would hold back (and in the end drop)
            # every other email in it.
            log.exception("Email %s cannot be built and is dropped", m.id)
    if config["MAIL_BACKEND"] == "console":
        for row, message in built:
            outbox.check_stop()
            print_email(message)
            outbox.mark_done(row)
        return
    with smtp_connection() as smtp:
        for row, message in built:
            outbox.check_stop()
            try:
                smtp.send_message(message)
            except smtplib.SMTPRecipientsRefused as error:
                if not refused_for_good(error):
                    raise  # a temporary refusal: the rest of the batch is tried again later
                log.warning("Email to %s refused for good and dropped: %s", message["To"],
                            error.recipients)
                from forum.notify.preferences import record_bounce

                record_bounce(str(message["To"]))  # committed with mark_done below
            outbox.mark_done(row)
