"""`flask --app forum newsletter ...`: what the mailing list needs from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

newsletter_cli = AppGroup("newsletter", help="The mailing list and newsletter.")


@newsletter_cli.command("bounce")
@click.argument("email")
def bounce(email: str) -> None:
    """Record a permanent bounce reported later by the mail system (a DSN); after three the
    address is suppressed."""
    from forum.extensions import db
    from forum.newsletter.subscribers import record_bounce

    subscriber = record_bounce(email)
    db.session.commit()
    if subscriber is None:
        raise click.ClickException("That address is not on the list.")
    click.echo(f"{subscriber.bounce_count} bounce(s) recorded; status {subscriber.status}.")


@newsletter_cli.command("resume")
def resume() -> None:
    """Queue again every issue left part-sent (its outbox row given up after every retry);
    `outbox send` then carries on where it stopped, sending nobody a second copy."""
    from forum.newsletter.sending import resume_interrupted

    click.echo(f"{resume_interrupted()} issue(s) queued to carry on sending.")
