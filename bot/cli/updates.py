"""``youthvoice update``: "you said, we did" updates from the command line: post one (with a
preview that says how many it reaches and when), list them with their feedback (small counts
hidden), read the "Tell us more" notes, and change an update's status. Thin doors onto
``bot.actions.updates``."""

from __future__ import annotations

import click

from bot.actions import update_views, updates
from bot.actions.audit import COMMAND_LINE
from bot.actions.updates import STATUSES, UpdatePlan, UpdateRequest
from bot.cli import support
from bot.cli.support import (
    confirm_reach,
    count,
    follow_delivery,
    local,
    people,
    settings_or_exit,
    setup_fail,
    with_store,
)
from bot.settings import Settings
from flows.survey import SurveyError, load_surveys
from storage.base import Store

_STATUS = click.Choice(list(STATUSES), case_sensitive=False)
# Times are read as ``support.clock()`` at each use, so tests can swap the clock in one place.


@click.group()
def update() -> None:
    """ "You said, we did": tell young people what was done about what they said."""


def going(settings: Settings, plan: UpdatePlan) -> str:
    """When the messages really go: soon, or when quiet hours end."""
    if plan.goes_at - support.clock() < 60:
        return "within a few seconds"
    return f"at {local(settings, plan.goes_at)}, when quiet hours end"


def show_preview(settings: Settings, plan: UpdatePlan) -> None:
    new = plan.new
    said = " (suggested from the results; change it with --you-said)" if plan.suggested else ""
    click.echo(f"You said{said}: {new.you_said}")
    if plan.others:
        click.echo("Other findings you could use instead (with --you-said):")
        for other in plan.others:
            click.echo(f"  - {other}")
    click.echo(f"We did: {new.we_did}")
    click.echo(f"Status: {updates.status_words(updates.preview(new))}")
    if plan.checkins:
        ids = ", ".join(str(c.id) for c in plan.checkins)
        about = f"check-ins {ids} were" if len(plan.checkins) > 1 else f"check-in {ids} was"
        who = f"everyone {about} for, whether they answered or not"
    else:
        who = "everyone" if new.cohort_id is None else "the cohort"
    click.echo(f"It goes to {people(plan.reach)} ({who}), {going(settings, plan)}.")


@update.command("add")
@click.option(
    "--checkin",
    "checkin_ids",
    type=int,
    multiple=True,
    help="A closed check-in it answers (repeatable; none: a theme).",
)
@click.option("--we-did", "we_did", required=True, help="What was done, in plain words.")
@click.option("--status", "status", required=True, type=_STATUS, help="Where it stands.")
@click.option("--by", "by", help="For --status planned: the date it is planned by (YYYY-MM-DD).")
@click.option("--why", "why", help="For --status couldnt: why it could not be done.")
@click.option(
    "--you-said", "you_said", help="What young people said (default: suggested from the results)."
)
@click.option(
    "--cohort",
    "cohort",
    help="For a theme with no --checkin: only this cohort (default: everyone).",
)
@click.option("--dry-run", is_flag=True, help="Show the update and who it reaches; send nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before a large send.")
def update_add(
    checkin_ids: tuple[int, ...],
    we_did: str,
    status: str,
    by: str | None,
    why: str | None,
    you_said: str | None,
    cohort: str | None,
    dry_run: bool,
    yes: bool,
) -> None:
    """Post an update to everyone the check-ins were for (never only those who answered)."""
    settings = settings_or_exit()
    try:
        surveys = load_surveys(settings.surveys)
    except SurveyError as exc:
        setup_fail(str(exc))
    request = UpdateRequest(checkin_ids, we_did, status, by, why, you_said, cohort)
    plan = with_store(
        settings, lambda s: updates.plan_update(s, settings, surveys, request, support.clock())
    )
    show_preview(settings, plan)
    if dry_run:
        click.echo("Dry run: nothing was sent.")
        return
    confirm_reach(plan.reach, going(settings, plan), yes)

    async def post(store: Store) -> tuple[int, int]:
        # Checked again as it is posted: a check-in may have been planned meanwhile.
        fresh = await updates.plan_update(store, settings, surveys, request, support.clock())
        posted = await updates.post(store, fresh, COMMAND_LINE, support.clock())
        return posted.id, posted.sent_to

    posted_id, sent = with_store(settings, post)
    click.echo(
        f"Update {posted_id} posted: {count(sent, 'message')} queued; "
        f"the running bot sends them {going(settings, plan)}."
    )
    follow_delivery(settings, f"update:{posted_id}:", sent)


@update.command("list")
def update_list() -> None:
    """Every update, newest first, with its feedback (small counts hidden)."""
    settings = settings_or_exit()
    rows = with_store(settings, lambda s: update_views.listing(s, settings, support.clock()))
    if not rows:
        click.echo("No updates yet. Post one with: youthvoice update add --checkin ID --we-did ...")
    for row in rows:
        click.echo(_line(settings, row))


def update_lines(settings: Settings, rows: list[update_views.UpdateLine]) -> list[str]:
    """The updates answering one check-in, for ``youthvoice results CHECKIN``."""
    if not rows:
        return ["", "No update to young people on this check-in yet: youthvoice update add"]
    return ["", "Updates to young people (you said, we did):", *(_line(settings, r) for r in rows)]


def _line(settings: Settings, row: update_views.UpdateLine) -> str:
    posted = row.posted
    about = (
        "check-ins " + ", ".join(str(i) for i in posted.checkin_ids)
        if posted.checkin_ids
        else "theme"
    )
    lines = [f"{posted.id:>4}  {local(settings, posted.posted_at)}  {about}"]
    return "\n".join(lines + [f"      {line}" for line in update_views.summary(row)])


@update.command("status")
@click.argument("posted_id", metavar="ID", type=int)
@click.argument("status", type=_STATUS)
@click.option("--by", "by", help="For planned: the new date (YYYY-MM-DD).")
@click.option("--why", "why", help="For couldnt: why it could not be done.")
def update_status(posted_id: int, status: str, by: str | None, why: str | None) -> None:
    """Change where an update stands (a follow-up): young people see it in /updates."""
    settings = settings_or_exit()
    changed = with_store(
        settings,
        lambda s: updates.change_status(
            s, settings, posted_id, status, by, why, COMMAND_LINE, support.clock()
        ),
    )
    click.echo(f"Update {changed.id} is now: {updates.status_words(changed)}.")


@update.command("notes")
@click.argument("posted_id", metavar="ID", type=int)
def update_notes(posted_id: int) -> None:
    """What young people wrote after "Tell us more", shuffled, with phone numbers, emails,
    postcodes, @handles and links taken out; shown once there are enough to keep them
    anonymous (YOUTHVOICE_MIN_GROUP)."""
    settings = settings_or_exit()
    found = with_store(
        settings,
        lambda s: update_views.notes(s, settings, posted_id, COMMAND_LINE, support.clock()),
    )
    if found is None:
        k = settings.min_group
        click.echo(
            f"Fewer than {k} notes on update {posted_id}: not shown yet, to keep them anonymous."
        )
        return
    for text in found:
        click.echo(f"- {text}")
