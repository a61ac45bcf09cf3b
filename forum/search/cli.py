"""`flask search sync | rebuild | status`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

search_cli = AppGroup("search", help="Keep the search index in step with the database.")


@search_cli.command("sync")
def sync_command() -> None:
    """Apply every pending search change now."""
    from forum import outbox
    from forum.search.indexer import TOPIC, sync

    done = sync()
    click.echo(f"Applied {done} pending search changes; {outbox.pending_count(TOPIC)} still pending.")


@search_cli.command("rebuild")
@click.option("--procs", type=click.IntRange(1, 64), default=None,
              help="Indexing processes  [default: one per core, up to 4]")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def rebuild_command(procs: int | None, quiet: bool) -> None:
    """Build a fresh index from the database beside the live one, then swap it in."""
    from tqdm import tqdm

    from forum.search.indexer import default_procs, indexable_count, rebuild

    procs = procs or default_procs()

    total = indexable_count()
    with tqdm(total=total, unit=" docs", desc="Indexing", disable=quiet, unit_scale=False) as bar:
        report = rebuild(progress=bar.update, procs=procs)
    click.echo(f"Indexed {report.documents:,} documents in {report.seconds:.1f}s "
               f"({report.rate:,.0f} documents/s); replayed {report.replayed} changes made "
               f"meanwhile. The new index is live: {report.path.name}")


@search_cli.command("status")
def status_command() -> None:
    """Compare indexed documents with the database, and show pending changes."""
    from forum.search.indexer import status

    s = status()
    in_step = s["indexed"] == s["database"] and not s["pending"]
    click.echo(f"Index:            {s['path'] or 'none yet'}")
    click.echo(f"Indexed:          {s['indexed']:,} documents")
    click.echo(f"In the database:  {s['database']:,} searchable posts and QI write-ups "
               f"({s['posts_total']:,} posts in all)")
    click.echo(f"Pending changes:  {s['pending']:,}")
    if s["failed"]:
        click.echo(f"Failed changes:   {s['failed']:,} (gave up after retries; run `flask search rebuild`)")
    click.echo(f"Size on disk:     {s['size_bytes'] / 1_048_576:,.1f} MB")
    if s["schema_version"] != s["schema_current"]:
        click.echo("The index was built by another version of the search code: "
                   "run `flask search rebuild`.")
    elif in_step:
        click.echo("The index is in step with the database.")
    else:
        click.echo("The index is not in step: run `flask search sync`, "
                   "or `flask search rebuild` if the counts still differ.")
