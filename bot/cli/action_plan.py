"""``youthvoice plan``: the action plan from the command line: add an action, list the plan,
change an action's status (which offers a "you said, we did" update, pre-filled), and post
that update. Thin doors onto ``bot.actions.action_plan`` and ``bot.actions.updates``."""

from __future__ import annotations

import shlex
from dataclasses import replace

import click

from bot.actions import action_plan, updates
from bot.actions.action_plan import ActionRequest, Outcome
from bot.actions.audit import COMMAND_LINE
from bot.actions.errors import ActionError
from bot.actions.updates import UpdatePlan
from bot.cli import support
from bot.cli.support import confirm_reach, count, local, settings_or_exit, with_store
from bot.cli.updates import going, show_preview
from bot.settings import Settings
from storage.base import PlanAction, Store, UpdateStatus

_STATUS = click.Choice(["planned", "in_progress", "in-progress", "done", "couldnt"])


@click.group("plan")
def plan() -> None:
    """The action plan: what will be done about each priority young people chose."""


@plan.command("add")
@click.option("--priority", required=True, help="The priority it answers, in plain words.")
@click.option("--what", required=True, help="What will be done, in plain words.")
@click.option(
    "--role",
    required=True,
    help="Who answers for it: a job title (such as 'Leaving care manager'), never a name.",
)
@click.option("--by", "by", help="The date it should be done by (YYYY-MM-DD).")
@click.option("--cohort", help="Only this cohort's plan (default: the plan for everyone).")
def plan_add(priority: str, what: str, role: str, by: str | None, cohort: str | None) -> None:
    """Add an action to the plan (planned); young people see it in /plan."""
    settings = settings_or_exit()
    request = ActionRequest(priority, what, role, by, cohort)

    async def add(store: Store) -> tuple[PlanAction, str | None]:
        action = await action_plan.add(store, settings, request, COMMAND_LINE, support.clock())
        return action, await action_plan.cohort_name(store, action.cohort_id)

    action, name = with_store(settings, add)
    first, second = action_plan.describe(action, name)
    click.echo(f"Action {action.id} added to the plan (planned): {first}")
    click.echo(f"  {second}")
    click.echo(f"Change where it stands with: youthvoice plan status {action.id} in_progress")


@plan.command("change")
@click.argument("action_id", metavar="ID", type=int)
@click.option("--what", help="What will be done, in new words.")
@click.option("--role", help="Who answers for it: a job title, never a name.")
@click.option("--by", "by", help="A new date it should be done by (YYYY-MM-DD).")
def plan_change(action_id: int, what: str | None, role: str | None, by: str | None) -> None:
    """Put right what an action says, its role or its date; young people see it marked as
    changed in /plan. Its status changes with `plan status`."""
    settings = settings_or_exit()
    change = action_plan.Rewording(what, role, by)

    async def reword(store: Store) -> tuple[PlanAction, str | None]:
        action = await action_plan.reword(
            store, settings, action_id, change, COMMAND_LINE, support.clock()
        )
        return action, await action_plan.cohort_name(store, action.cohort_id)

    action, name = with_store(settings, reword)
    first, second = action_plan.describe(action, name)
    click.echo(f"Action {action.id} now reads: {first}")
    click.echo(f"  {second}")


@plan.command("list")
def plan_list() -> None:
    """Every action, oldest first, with where it stands and when that last changed."""
    settings = settings_or_exit()

    async def listing(store: Store) -> list[tuple[PlanAction, str | None]]:
        return [(a, await action_plan.cohort_name(store, a.cohort_id))
                for a in await store.plan_actions()]  # fmt: skip

    rows = with_store(settings, listing)
    if not rows:
        click.echo(
            "No actions in the plan yet. Add one with: "
            "youthvoice plan add --priority TEXT --what TEXT --role TEXT"
        )
    for action, name in rows:
        first, second = action_plan.describe(action, name)
        status = action_plan.status_words(action.status)
        click.echo(f"{action.id:>4}  {status:<15} {first}")
        click.echo(f"{'':<21}{second} · since {local(settings, action.changed_at)}")


@plan.command("status")
@click.argument("action_id", metavar="ID", type=int)
@click.argument("status", metavar="STATUS", type=_STATUS)
@click.option("--tell", is_flag=True, help='Then post the "you said, we did" update about it.')
@click.option("--why", help="With --tell, for couldnt: why it could not be done.")
@click.option("--yes", is_flag=True, help="With --tell: do not ask before a large send.")
def plan_status(action_id: int, status: str, tell: bool, why: str | None, yes: bool) -> None:
    """Change where an action stands (planned, in_progress, done, couldnt); young people see
    it marked as changed in /plan. Offers the "you said, we did" update, pre-filled."""
    settings = settings_or_exit()
    if why is not None and not tell:
        support.fail("--why: goes with --tell (the reason is for the update to young people)")
    wanted = action_plan.status_of(status)
    ready = None
    if tell:
        # The update is checked (and a large send agreed) before the status changes, so a
        # refusal leaves everything as it was.
        ready = with_store(settings, lambda s: _prepare(s, settings, action_id, why, wanted))
        show_preview(settings, ready)
        confirm_reach(ready.reach, going(settings, ready), yes)
    change = with_store(
        settings,
        lambda s: action_plan.change_status(s, action_id, wanted, COMMAND_LINE, support.clock()),
    )
    now = action_plan.status_words(change.action.status)
    if change.outcome is Outcome.SAME:
        click.echo(f"Action {action_id} is already {now}; nothing changed.")
    else:
        was = action_plan.status_words(change.was)
        click.echo(f"Action {action_id} is now: {now} (was: {was}).")
    if ready is not None:
        _post(settings, action_id, why, ready)
    elif change.outcome is Outcome.CHANGED:
        _offer(settings, change.action)


@plan.command("tell")
@click.argument("action_id", metavar="ID", type=int)
@click.option("--why", help="For an action that could not be done: why, in plain words.")
@click.option("--dry-run", is_flag=True, help="Show the update and who it reaches; send nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before a large send.")
def plan_tell(action_id: int, why: str | None, dry_run: bool, yes: bool) -> None:
    """Post the "you said, we did" update about where an action stands now, pre-filled from
    the plan (to change its words, use youthvoice update add)."""
    _tell(settings_or_exit(), action_id, why, yes, dry_run=dry_run)


def _offer(settings: Settings, action: PlanAction) -> None:
    """The ready command for the update about this change, to check and run."""
    name = with_store(settings, lambda s: action_plan.cohort_name(s, action.cohort_id))
    request = action_plan.offer(action, name, settings, support.clock())
    words = ["youthvoice", "update", "add", "--you-said", request.you_said or ""]
    words += ["--we-did", request.we_did, "--status", request.status]
    if action.status is UpdateStatus.PLANNED:
        words += ["--by", request.by or "YYYY-MM-DD"]
    if action.status is UpdateStatus.COULDNT:
        words += ["--why", "WHY IT COULD NOT BE DONE"]
    if name is not None:
        words += ["--cohort", name]
    click.echo('Tell young people? This "you said, we did" update is ready; check the words:')
    click.echo("  " + shlex.join(words))
    if action.status is UpdateStatus.COULDNT:
        click.echo(f"Or post it as it is: youthvoice plan tell {action.id} --why TEXT")
    elif action.status is UpdateStatus.PLANNED and request.by is None:
        click.echo("It needs a date still to come: change YYYY-MM-DD, then run it.")
    else:
        click.echo(f"Or post it as it is: youthvoice plan tell {action.id}")


async def _prepare(
    store: Store,
    settings: Settings,
    action_id: int,
    why: str | None,
    status: UpdateStatus | None = None,
) -> UpdatePlan:
    """The pre-filled update about the action, as it stands or (``status``) as it will."""
    action = await action_plan.find(store, action_id)
    if status is not None:
        action = replace(action, status=status)
    name = await action_plan.cohort_name(store, action.cohort_id)
    request = action_plan.offer(action, name, settings, support.clock(), why)
    if request.status == "planned" and request.by is None:
        raise ActionError(
            "action",
            f"action {action_id} has no date still to come; post the update with "
            "youthvoice update add ... --status planned --by YYYY-MM-DD",
        )
    return await updates.plan_update(store, settings, {}, request, support.clock())


def _tell(
    settings: Settings, action_id: int, why: str | None, yes: bool, *, dry_run: bool = False
) -> None:
    """Show the pre-filled update, then post it (asking first before a large send)."""
    ready = with_store(settings, lambda s: _prepare(s, settings, action_id, why))
    show_preview(settings, ready)
    if dry_run:
        click.echo("Dry run: nothing was sent.")
        return
    confirm_reach(ready.reach, going(settings, ready), yes)
    _post(settings, action_id, why, ready)


def _post(settings: Settings, action_id: int, why: str | None, ready: UpdatePlan) -> None:
    """Post the update shown as ``ready``, checked again as it is posted."""

    async def post(store: Store) -> tuple[int, int]:
        fresh = await _prepare(store, settings, action_id, why)
        posted = await updates.post(store, fresh, COMMAND_LINE, support.clock())
        return posted.id, posted.sent_to

    posted_id, sent = with_store(settings, post)
    click.echo(
        f"Update {posted_id} posted: {count(sent, 'message')} queued; "
        f"the running bot sends them {going(settings, ready)}."
    )
