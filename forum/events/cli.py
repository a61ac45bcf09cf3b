"""`flask --app forum events ...`: the cron jobs events need."""

from __future__ import annotations

import click
from flask.cli import AppGroup

events_cli = AppGroup("events", help="Event reminders and tidying.")


@events_cli.command("remind")
def remind() -> None:
    """Queue the reminders due now (the day before, an hour before); each goes once, however
    often or on how many machines this runs. Run it every few minutes from cron."""
    from forum.events.signups import send_reminders

    click.echo(f"{send_reminders()} reminders queued; `outbox send` delivers them.")


@events_cli.command("purge-answers")
def purge_answers() -> None:
    """Delete answers to events' questions (dietary, access needs) 30 days after each event,
    and guests who never confirmed their address once their event is over. Run it daily."""
    from forum.events.signups import delete_unverified_guests, purge_answers

    click.echo(f"Answers deleted from {purge_answers()} sign-ups; "
               f"{delete_unverified_guests()} unconfirmed guest sign-ups removed.")
