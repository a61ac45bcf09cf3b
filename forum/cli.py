"""`flask --app forum ...` commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from forum import outbox
from forum.extensions import db

outbox_cli = AppGroup("outbox", help="Deliver queued email and index updates.")


@outbox_cli.command("send")
def outbox_send() -> None:
    """Apply every pending outbox row (email, search) now."""
    for topic in outbox.topics():
        done = outbox.process_all(topic)
        click.echo(f"{topic}: {done} applied, {outbox.pending_count(topic)} still pending")


@click.command("seed-reference")
def seed_reference() -> None:
    """Add the standard alliances, professions and boards (safe to run twice)."""
    from forum.community.seed import seed_reference_data

    seed_reference_data()
    click.echo("Reference data is in place.")


def register(app: Flask) -> None:
    app.cli.add_command(outbox_cli)
    app.cli.add_command(seed_reference)
    _ = db
