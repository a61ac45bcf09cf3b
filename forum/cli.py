"""`flask --app forum ...` commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from forum import outbox

outbox_cli = AppGroup("outbox", help="Deliver queued email and index updates.")


@outbox_cli.command("send")
def outbox_send() -> None:
    """Apply every pending outbox row (email, search) now."""
    for topic in outbox.topics():
        done = outbox.process_all(topic)
        click.echo(f"{topic}: {done} applied, {outbox.pending_count(topic)} still pending")


@outbox_cli.command("run")
def outbox_run() -> None:
    """Keep delivering: a worker process for deployments without the in-process worker."""
    import threading

    from flask import current_app

    from forum import worker

    click.echo("Outbox worker running; Ctrl+C to stop.")
    try:
        worker.run_forever(current_app._get_current_object(), threading.Event())
    except KeyboardInterrupt:
        click.echo("Stopped.")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Add demo members and discussions to an empty database."""
    from forum.community.seed import seed_reference_data
    from forum.demo import DEMO_ACCOUNTS, seed_demo

    seed_reference_data()
    if not seed_demo():
        click.echo("The database already has members; demo content not added.")
        return
    click.echo("Demo content added. Accounts (email / password / role):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account['email']:<38} {account['password']:<22} {account['label']}")


@click.command("seed-reference")
def seed_reference() -> None:
    """Add the standard alliances, professions and boards (safe to run twice)."""
    from forum.community.seed import seed_reference_data

    seed_reference_data()
    click.echo("Reference data is in place.")


def register(app: Flask) -> None:
    app.cli.add_command(outbox_cli)
    app.cli.add_command(seed_reference)
    app.cli.add_command(seed_demo_command)
