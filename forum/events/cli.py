"""`flask --app forum events ...`: the cron jobs events need."""

from __future__ import annotations

import click
from flask.cli import AppGroup

events_cli = AppGroup("events", help="Event reminders, tidying, importing past events and the yearly report.")


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


@events_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and say what it holds; save nothing.")
def import_table(file: str, dry_run: bool) -> None:
    """Import past events from the community's table (like events-2023.tsv): every bad row is
    listed and nothing saved; the Total row is checked; importing it again changes nothing."""
    from pathlib import Path

    from forum.events.importing import import_events

    path = Path(file)
    click.echo(f"Reading {path.name} …")
    result = import_events(path.read_bytes(), source=path.name, dry_run=dry_run, progress=click.echo)
    parsed = result.parsed
    for problem in parsed.problems:
        click.echo(f"  Problem: {problem}", err=True)
    for warning in parsed.warnings:
        click.echo(f"  Note: {warning}")
    for line in parsed.totals:
        click.echo(f"  {line}")
    if not parsed.ok:
        raise click.ClickException(f"{len(parsed.problems)} problem(s) in {path.name}; nothing was "
                                   "imported. Correct the rows above and import it again.")
    if dry_run:
        click.echo(f"{len(parsed.rows)} events for {parsed.year} look right; nothing was saved "
                   "(--dry-run).")
        return
    click.echo(f"{len(parsed.rows)} events for {parsed.year}: {result.created} added, "
               f"{result.updated} updated, {result.unchanged} unchanged.")


@events_cli.command("report")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="The calendar year.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table",
              show_default=True)
def report(year: int, fmt: str) -> None:
    """The yearly report for funders: per event, then totals, by type, alliance, profession and
    learning outcome (the same figures as /events/report)."""
    from forum.events import reports

    data = reports.year_report(year)
    if fmt == "csv":
        click.echo(reports.to_csv(reports.event_rows(data)), nl=False)
        return
    if not data.lines:
        click.echo(f"No events were held in {year}.")
        return
    click.echo(f"Events in {year}\n")
    click.echo(reports.as_table(reports.event_rows(data)))
    click.echo("\n" + reports.as_table(reports.summary_rows(data)))
    for stated in data.stated:
        if not stated.agrees:
            click.echo(f"\n{stated.source}: its Total row says \"{stated.stated}\" {stated.what}; "
                       f"the rows add up to {stated.counted:,}.")
    if data.not_yet_held:
        click.echo(f"\n{data.not_yet_held} more events in {year} have not happened yet and are "
                   "not counted.")
