"""Email: queued through the outbox, delivered by SMTP (or printed, in the demo)."""

from __future__ import annotations

import logging
import smtplib
import sys
from collections.abc import Sequence
from email.message import EmailMessage

from flask import current_app

from forum.db import utcnow
from forum.notify.models import OutboxMessage
from forum.outbox import enqueue

log = logging.getLogger(__name__)


def queue_email(to: str, subject: str, text: str) -> None:
    """Queue a plain-text email; it is sent after the caller commits."""
    enqueue("email", {"to": to, "subject": subject, "text": text})


def _build(payload: dict) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message.set_content(payload["text"])
    return message


def deliver(messages: Sequence[OutboxMessage]) -> None:
    """Outbox handler for the "email" topic.

    Each email is marked done as soon as the server has taken it, so if the connection fails
    part-way through a batch, the retry sends only the rest (nobody gets the same email twice).
    """
    config = current_app.config
    built: list[tuple[OutboxMessage, EmailMessage]] = []
    for m in messages:
        try:
            built.append((m, _build(m.payload)))
        except (KeyError, TypeError, ValueError):
            # It can never be sent; failing the batch would hold back (and in the end drop)
            # every other email in it.
            log.exception("Email %s cannot be built and is dropped", m.id)
    if config["MAIL_BACKEND"] == "console":
        for _, message in built:
            print(f"\n--- email to {message['To']} ---\nSubject: {message['Subject']}\n\n"
                  f"{message.get_content()}--- end of email ---", file=sys.stderr, flush=True)
        return
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        for row, message in built:
            try:
                smtp.send_message(message)
            except smtplib.SMTPRecipientsRefused as error:
                if any(code < 500 for code, _ in error.recipients.values()):
                    raise  # a temporary refusal: the rest of the batch is tried again later
                log.warning("Email to %s refused for good and dropped: %s", message["To"],
                            error.recipients)
            row.processed_at = utcnow()
