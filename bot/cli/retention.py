"""``youthvoice retention run``: delete now what retention would delete tonight, and say what."""

from __future__ import annotations

from datetime import datetime

import click

from bot.actions import retention as retention_actions
from bot.cli import support
from bot.cli.support import settings_or_exit, with_store


@click.group()
def retention() -> None:
    """Deleting what is kept no longer than it should be."""


@retention.command("run")
def run_now() -> None:
    """Delete unfinished responses, old answers, people who stopped and old alert records now
    (the running bot does this once a day); running it twice changes nothing."""
    settings = settings_or_exit()
    today = datetime.fromtimestamp(support.clock(), settings.zone).date().isoformat()
    removed = with_store(settings, lambda store: retention_actions.apply(store, settings, today))
    if not removed.total():
        click.echo("Nothing to remove: everything kept is within its time.")
        return
    click.echo("Removed:")
    for line in retention_actions.described(removed):
        click.echo(f"  {line}")
