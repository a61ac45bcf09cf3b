"""`flask --app forum ...` commands."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

import click
from flask import Flask
from flask.cli import AppGroup

from forum import outbox

outbox_cli = AppGroup("outbox", help="Deliver queued email and index updates.")


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """SIGTERM (systemd, docker) and Ctrl+C finish the message in hand, then stop; a second
    Ctrl+C stops at once. The previous handlers are put back afterwards."""

    def stop(signum: int, frame: object) -> None:
        outbox.shutdown.set()
        outbox.wake.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if outbox.shutdown.is_set():
            click.echo("Stopped.")
        outbox.shutdown.clear()


@outbox_cli.command("send")
def outbox_send() -> None:
    """Apply every pending outbox row (email, search) now."""
    with _stop_on_signals():
        for topic in outbox.topics():
            done = outbox.process_all(topic)
            click.echo(f"{topic}: {done} applied, {outbox.pending_count(topic)} still pending")


@outbox_cli.command("run")
def outbox_run() -> None:
    """Keep delivering: a worker process for deployments without the in-process worker."""
    from flask import current_app

    from forum import worker

    click.echo("Outbox worker running; Ctrl+C to stop.")
    with _stop_on_signals(), contextlib.suppress(KeyboardInterrupt):  # a second Ctrl+C
        worker.run_forever(current_app._get_current_object(), outbox.shutdown)
        outbox.shutdown.set()  # run_forever returns only when asked to stop


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
    """Add the standard alliances, professions, boards and site pages (safe to run twice)."""
    from forum.community.seed import seed_reference_data

    seed_reference_data()
    click.echo("Reference data and the site's pages (privacy, accessibility, guidelines, "
               "contact) are in place.")


@click.command("create-admin")
@click.option("--email", prompt="Email address", help="The admin's email address.")
@click.option("--name", prompt="Display name", help="The name shown beside their posts.")
@click.option("--password", prompt="Password", hide_input=True, confirmation_prompt=True,
              help="At least 10 characters; not a common password.")
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create an active, verified admin account."""
    from email_validator import EmailNotValidError, validate_email

    from forum.auth.services import create_admin
    from forum.errors import DomainError

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.ClickException(
            "Enter an email address in the correct format, like name@example.com"
        ) from error
    if not 2 <= len(name.strip()) <= 80:
        raise click.ClickException("The display name must be between 2 and 80 characters.")
    try:
        user = create_admin(email=email, display_name=name, password=password)
    except DomainError as error:
        raise click.ClickException(f"{error.message}.") from error
    click.echo(f"Admin account created for {user.email}. They can sign in now.")


content_cli = AppGroup("content", help="Look after what members have written.")


@content_cli.command("rerender")
def content_rerender() -> None:
    """Rebuild every post's HTML from its Markdown (run after changing forum.markup)."""
    from forum.discussions.services import rerender_posts

    changed = rerender_posts()
    click.echo(f"{changed} post versions re-rendered; run `outbox send` to update search.")


@content_cli.command("recount")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def content_recount(quiet: bool) -> None:
    """Put right every kept counter (replies, discussions, posts, reports) that differs from a
    fresh count: after a crash, a restore, or counters lost before they were kept in SQL."""
    from tqdm import tqdm

    from forum.discussions.counters import recount, total_rows

    with tqdm(total=total_rows(), unit=" rows", desc="Recounting", disable=quiet) as bar:
        report = recount(progress=bar.update)
    if not report.rows_fixed:
        click.echo(f"Every counter was right ({report.rows_checked:,} rows checked).")
        return
    click.echo(f"Fixed {report.counters_fixed:,} counters on {report.rows_fixed:,} rows "
               f"({report.rows_checked:,} rows checked):")
    for name, rows in sorted(report.fixed.items()):
        click.echo(f"  {name}: {rows:,} row{'s' if rows != 1 else ''}")


def register(app: Flask) -> None:
    app.cli.add_command(content_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(seed_reference)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_admin_command)
    from forum.events.cli import events_cli
    from forum.newsletter.cli import newsletter_cli
    from forum.notify.cli import notify_cli
    from forum.search.cli import search_cli

    app.cli.add_command(events_cli)
    app.cli.add_command(newsletter_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(search_cli)
