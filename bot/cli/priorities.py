"""``youthvoice priorities open``: a priorities round for a cohort, a door onto
``bot.actions.priorities``. The running bot sends the invitations."""

from __future__ import annotations

import click

from bot.actions import plans
from bot.actions import priorities as priorities_actions
from bot.actions.audit import COMMAND_LINE
from bot.actions.priorities import RoundPlan
from bot.cli.plans import going, plan_line
from bot.cli.results import with_services
from bot.cli.support import (
    acted,
    confirm_reach,
    confirm_small,
    count,
    follow_delivery,
    people,
    settings_or_exit,
)
from bot.services import Services
from flows.priorities import MAX_IDEAS, MAX_PICKS, THEMES, shorten
from storage.base import Checkin


@click.group()
def priorities() -> None:
    """Priorities rounds: young people pick what should change first."""


@priorities.command("open")
@click.option("--cohort", "cohort_name", required=True, help="The cohort asked.")
@click.option(
    "--ideas",
    "ideas_text",
    help=f"Approved ideas by code, comma-separated (default: every approved one; at most "
    f"{MAX_IDEAS}). See: youthvoice ideas list",
)
@click.option("--open-for", "open_for_text", help="How long it stays open, like 3d (default 7d).")
@click.option("--dry-run", is_flag=True, help="Say what it asks and who, and queue nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before a large or a very small send.")
def priorities_open(
    cohort_name: str, ideas_text: str | None, open_for_text: str | None, dry_run: bool, yes: bool
) -> None:
    """Open a priorities round now: each young person in the cohort picks up to three of the
    approved ideas and the standing themes. Leads see the ranking in
    youthvoice results."""
    settings = settings_or_exit()
    codes = acted(lambda: priorities_actions.read_codes(ideas_text))

    async def plan(svc: Services) -> RoundPlan:
        cohort_id = await plans.find_cohort(svc.store, cohort_name)
        return await priorities_actions.plan_round(svc, cohort_id, codes, open_for_text)

    chosen = with_services(settings, plan)
    for line in _what_it_asks(chosen):
        click.echo(line)
    click.echo(plan_line(settings, chosen.plan, f"{people(chosen.reach)} in {cohort_name}"))
    if dry_run:
        if chosen.small:
            click.echo(chosen.small)
        click.echo("Dry run: nothing was queued.")
        return
    confirm_small(chosen.small, yes)
    confirm_reach(chosen.reach, going(settings, chosen.plan), yes)

    async def open_it(svc: Services) -> tuple[Checkin, int]:
        return await priorities_actions.open_round(svc, chosen, COMMAND_LINE)

    created, queued = with_services(settings, open_it)
    click.echo(
        f"Check-in {created.id} ({created.survey_id}, a priorities round) is open. Queued "
        f"{count(queued, 'invitation')}; the running bot sends them "
        f"{going(settings, chosen.plan)}. See the ranking once it closes: "
        f"youthvoice results {created.id}"
    )
    follow_delivery(settings, f"checkin:{created.id}:invite:", queued)


def _what_it_asks(chosen: RoundPlan) -> list[str]:
    themes = ", ".join(words["en"] for _, words in THEMES)
    if not chosen.ideas:
        return [f"No approved ideas: the round asks about the themes only ({themes})."]
    ideas = count(len(chosen.ideas), "idea")
    lines = [f"Pick up to {MAX_PICKS} of {ideas} and the themes ({themes}):"]
    lines += [f"  {idea.id}  {shorten(idea.text, 70)}" for idea in chosen.ideas]
    return lines
