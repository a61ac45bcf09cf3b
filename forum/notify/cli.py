"""`flask notify ...`: digests (from cron) and recording bounces."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from forum.extensions import db

notify_cli = AppGroup("notify", help="Digests and email bounces.")


@notify_cli.command("digests")
@click.option("--at", "at", default=None,
              help="Act as if it were this time (ISO 8601, UTC unless it says): for catching up.")
def digests_command(at: str | None) -> None:
    """Send the daily and weekly digests that are due. Safe to run again: each digest
    period is sent once per member. Run it hourly from cron."""
    from forum.notify.digests import send_digests

    now = None
    if at:
        try:
            now = datetime.fromisoformat(at)
        except ValueError as error:
            raise click.BadParameter("Use a time like 2026-10-26T07:00") from error
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
    counts = send_digests(now)
    click.echo(f"Digests: {counts['sent']} sent, {counts['empty']} with nothing new, "
               f"{counts['skipped']} already sent.")


@notify_cli.command("bounce")
@click.argument("email")
@click.option("--temporary", is_flag=True, help="A soft bounce: noted, not counted.")
def bounce_command(email: str, temporary: bool) -> None:
    """Record that email to EMAIL bounced (from the mail provider's bounce report)."""
    from forum.notify.preferences import BOUNCE_LIMIT, record_bounce, settings_for

    user = record_bounce(email, permanent=not temporary)
    if user is None:
        raise click.ClickException(f"No member has the address {email}.")
    db.session.commit()
    settings = settings_for([user.id])[user.id]
    stopped = " Email to them has stopped." if settings.mail_stopped_at else ""
    click.echo(f"{user.email}: {settings.bounce_count} of {BOUNCE_LIMIT} bounces.{stopped}")
