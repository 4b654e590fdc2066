"""``youthvoice audit``: what staff did, newest first: who (a staff id or the command line),
what, and when."""

from __future__ import annotations

import click

from bot.actions import audit as audit_actions
from bot.cli.support import local, settings_or_exit, with_store


@click.command()
@click.option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="How many of the latest actions to show.",
)
def audit(limit: int) -> None:
    """Show the latest staff actions: plans, sends, cancels, results viewed, exports, updates."""
    settings = settings_or_exit()
    rows = with_store(settings, lambda store: audit_actions.entries(store, limit))
    if not rows:
        click.echo("No staff actions yet.")
    for row in rows:
        detail = f": {row.detail}" if row.detail else ""
        click.echo(f"{local(settings, row.at)}  {row.who}  {row.action}{detail}")
