"""``youthvoice export``: a check-in's results as a CSV, Excel, PNG, Word or Markdown file, with
small numbers hidden as everywhere else; a door onto ``bot.actions.exports``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.actions import exports
from bot.actions.audit import COMMAND_LINE
from bot.actions.made_surveys import with_made_surveys
from bot.cli import support
from bot.cli.support import fail, settings_or_exit, setup_fail, with_store
from bot.keys import SecretKeyError, saved_key
from bot.services import Services
from flows.survey import SurveyError, load_surveys
from storage.base import Store

if TYPE_CHECKING:
    from bot.reports.export import ExportFile


def _check_out(out: Path) -> None:
    """Refuse an --out that cannot be written before any work is done."""
    if out.is_dir():
        setup_fail(f"--out: {out} is a folder; give a file name, such as {out / 'results.csv'}")
    if not out.parent.is_dir():
        setup_fail(f"--out: the folder {out.parent} does not exist; create it or choose another")


def _path(out: Path, file: ExportFile) -> Path:
    """The main file goes to --out; others beside it, named from it (charts-03-mood.png)."""
    if not file.part:
        return out
    suffix = out.suffix or Path(file.name).suffix
    return out.with_name(f"{out.stem}-{file.part}{suffix}")


@click.command("export")
@click.argument("checkin_id", metavar="CHECKIN", type=click.IntRange(min=1))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(exports.FORMATS),
    help="csv, xlsx (Excel), png (charts), docx (a Word summary) or md (Markdown).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="The file to write; png also writes one chart per question beside it.",
)
@click.option(
    "--responses",
    is_flag=True,
    help="Row-level responses too (csv or xlsx; only from enough responses): random ids, "
    "no times, rows shuffled, typed words with contact details removed.",
)
@click.option(
    "--trend",
    "trend_question",
    metavar="QUESTION",
    help="Add how the answers to this question id changed across check-ins.",
)
def export(
    checkin_id: int, fmt: str, out: Path, responses: bool, trend_question: str | None
) -> None:
    """Export check-in CHECKIN's results (see: youthvoice results) as a file."""
    settings = settings_or_exit()
    _check_out(out)
    try:
        surveys = load_surveys(settings.surveys)
        # Answers are anonymous; only a board summary's "who we are hearing from" reads the
        # key (if there is one; none is made) to tell who ever finished.
        secret = settings.secret_key.get_secret_value() if settings.secret_key else None
        key = saved_key(secret, settings.database_file) if fmt in exports.SUMMARIES else b""
    except (SurveyError, SecretKeyError) as exc:
        setup_fail(str(exc))

    async def work(store: Store) -> list[ExportFile]:
        # The clock is read through the module so tests can swap it.
        every = await with_made_surveys(store, surveys)
        svc = Services(settings, store, every, key, support.clock)
        return await exports.export(
            svc,
            checkin_id,
            fmt,
            COMMAND_LINE,
            with_responses=responses,
            trend_question=trend_question,
        )

    files = with_store(settings, work)
    written = []
    for file in files:
        path = _path(out, file)
        try:
            path.write_bytes(file.data)
        except OSError as exc:
            fail(f"--out: cannot write {path} ({exc.strerror or exc}); choose another place")
        written.append(path)
    what = "responses" if responses and fmt == "csv" else "results"
    extra = " with responses" if responses and fmt != "csv" else ""
    click.echo(f"Wrote the {what} of check-in {checkin_id}{extra} as {fmt} to {written[0]}")
    for path in written[1:]:
        click.echo(f"  and {path}")
