"""``youthvoice review open``: a joint review of the plan, one "Is this happening?" question per
action, opened now or at a set time. A thin door onto ``bot.actions.review``."""

from __future__ import annotations

import click

from bot.actions import review as review_actions
from bot.actions.audit import COMMAND_LINE
from bot.actions.plans import CheckinRequest, small_audience
from bot.cli.plans import going, plan_line
from bot.cli.results import with_services
from bot.cli.support import (
    confirm_reach,
    confirm_small,
    count,
    follow_delivery,
    people,
    settings_or_exit,
)
from flows.review import STATUS_WORDS
from storage.base import Schedule


@click.group()
def review() -> None:
    """Joint reviews: young people say whether the plan is really happening."""


@review.command("open")
@click.option(
    "--cohort", "cohort_name", help="This cohort's plan (default: the plan for everyone)."
)
@click.option(
    "--at", "at_text", help='When it opens, local time: "2026-12-10 18:00" (default: now).'
)
@click.option("--open-for", "open_for_text", help="How long it stays open, like 3d (default: 7d).")
@click.option("--remind-after", "remind_text", help="One reminder to non-finishers after, like 2d.")
@click.option(
    "--dry-run", is_flag=True, help="Say what would be asked, of whom and when; queue nothing."
)
@click.option("--yes", is_flag=True, help="Do not ask before a large or a very small send.")
def review_open(
    cohort_name: str | None,
    at_text: str | None,
    open_for_text: str | None,
    remind_text: str | None,
    dry_run: bool,
    yes: bool,
) -> None:
    """Ask young people, one question per action of the plan, "Is this happening?" (Yes, A
    bit, No, Don't know). Actions marked couldn't happen are left out. The answers show in
    youthvoice results beside each action's status, gaps first."""
    settings = settings_or_exit()
    request = CheckinRequest(at_text, None, open_for_text, remind_text)
    draft = with_services(settings, lambda svc: review_actions.prepare(svc, cohort_name, request))
    asked = count(len(draft.actions), "question")
    click.echo(f"Joint review: {asked}, one per action of the plan:")
    for action in draft.actions:
        status = STATUS_WORDS[action.status.value]
        click.echo(f"  {action.id}. {action.what} ({action.role}; {status})")
    if draft.left_out:
        marked = count(draft.left_out, "action")
        click.echo(f"Left out: {marked} marked couldn't happen.")
    who = people(draft.reach) + (f" in {cohort_name}" if cohort_name else " (everyone)")
    click.echo(plan_line(settings, draft.plan, who))
    small = small_audience(draft.reach, settings.min_group)
    if dry_run:
        if small:
            click.echo(small)
        click.echo("Dry run: nothing was queued.")
        return
    confirm_small(small, yes)
    confirm_reach(draft.reach, going(settings, draft.plan), yes)
    opened, queued = with_services(
        settings, lambda svc: review_actions.open_review(svc, draft, COMMAND_LINE)
    )
    if isinstance(opened, Schedule):
        click.echo(f"Schedule {opened.id} saved. The running bot opens the review on time.")
        return
    click.echo(
        f"Check-in {opened.id} ({draft.plan.survey.title}) is open. Queued "
        f"{count(queued, 'invitation')}; the running bot sends them "
        f"{going(settings, draft.plan)}."
    )
    click.echo(
        f"Its results, gaps first, show once it closes with at least {settings.min_group} "
        f"finished: youthvoice results {opened.id}"
    )
    follow_delivery(settings, f"checkin:{opened.id}:invite:", queued)
