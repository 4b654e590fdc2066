"""``youthvoice translations``: check the Welsh and easy-read catalogues against the English
messages, and bring them up to date after a message is added or changed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from flows.catalogues import (
    catalogue_path,
    check_catalogues,
    locale_dir,
    read_catalogue,
    template,
    update_catalogue,
    write_catalogue,
)
from flows.locales import READINGS
from flows.messages import ENGLISH

FOLDER = click.option(
    "--folder",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The catalogues' folder (default: flows/locale of this install).",
)


@click.group()
def translations() -> None:
    """The Welsh and easy-read words (gettext catalogues in flows/locale)."""


@translations.command("check")
@FOLDER
def translations_check(folder: Path | None) -> None:
    """List every message not yet in Welsh, every translation made for older English, and
    every {placeholder} that differs; exit 1 if there are any."""
    problems = check_catalogues(ENGLISH, folder)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo("Every message has its Welsh, and every translation matches today's English.")


@translations.command("update")
@FOLDER
def translations_update(folder: Path | None) -> None:
    """Add new messages to every catalogue (untranslated) and mark those whose English
    changed as fuzzy, with the old English beside them; then fill in the words."""
    for reading in READINGS:
        path = catalogue_path(reading, folder or locale_dir())
        catalogue = read_catalogue(path) if path.exists() else template(ENGLISH)
        catalogue.locale = reading.partition("@")[0]
        write_catalogue(update_catalogue(catalogue, ENGLISH), path)
        click.echo(f"{path.name}: up to date with {len(ENGLISH)} messages")
