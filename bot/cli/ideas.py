"""``youthvoice ideas``: young people's ideas from the command line: list them (contact details
taken out), approve one, merge one into a similar one, or set one aside with a reason. Thin
doors onto ``bot.actions.moderation``, as /newideas is in Telegram."""

from __future__ import annotations

import click

from bot.actions import moderation
from bot.actions.audit import COMMAND_LINE
from bot.cli import support
from bot.cli.support import settings_or_exit, with_store
from storage.base import Idea, IdeaStatus

_STATUS = click.Choice([s.value for s in IdeaStatus], case_sensitive=False)
_WORDS = {
    IdeaStatus.NEW: "new",
    IdeaStatus.APPROVED: "approved",
    IdeaStatus.MERGED: "merged",
    IdeaStatus.SET_ASIDE: "set aside",
}


@click.group()
def ideas() -> None:
    """Ideas young people sent with /idea: read them and decide on each."""


def _line(idea: Idea) -> str:
    """One idea: its code, where it stands (and since when), then its words."""
    state = _WORDS[idea.status]
    if idea.status is IdeaStatus.MERGED:
        state += f" into {idea.merged_into}"
    if idea.decided_on:
        state += f" on {idea.decided_on}"
    if idea.status is IdeaStatus.APPROVED and idea.backers > 1:
        state += f", counts {idea.backers} ideas"
    if idea.status is IdeaStatus.SET_ASIDE and idea.why:
        state += f" ({idea.why})"
    return f"{idea.id}  {state}, sent {idea.suggested_on}\n        {idea.text}"


@ideas.command("list")
@click.option(
    "--status",
    "statuses",
    type=_STATUS,
    multiple=True,
    help="Only ideas in this status (repeatable; default: every idea).",
)
def ideas_list(statuses: tuple[str, ...]) -> None:
    """Every idea, new ones first, with contact details taken out of the words."""
    settings = settings_or_exit()
    wanted = [IdeaStatus(s.lower()) for s in statuses]
    found = with_store(
        settings, lambda s: moderation.listing(s, COMMAND_LINE, support.clock(), wanted)
    )
    if not found:
        click.echo("No ideas yet. Young people send them in Telegram with /idea.")
        return
    waiting = sum(1 for idea in found if idea.status is IdeaStatus.NEW)
    for idea in found:
        click.echo(_line(idea))
    if waiting:
        click.echo(
            f"{waiting} new: youthvoice ideas approve ID, merge ID INTO, set-aside ID --why TEXT"
        )


@ideas.command("approve")
@click.argument("idea_id", metavar="ID")
def ideas_approve(idea_id: str) -> None:
    """Approve an idea: young people see it in /ideas, and it can go into a priorities round."""
    settings = settings_or_exit()
    done = with_store(
        settings,
        lambda s: moderation.approve(s, settings, idea_id, COMMAND_LINE, support.clock()),
    )
    click.echo(f"Idea {done.id} approved: young people see it in /ideas.")


@ideas.command("merge")
@click.argument("idea_id", metavar="ID")
@click.argument("into", metavar="INTO")
def ideas_merge(idea_id: str, into: str) -> None:
    """Merge idea ID into the similar idea INTO (new or approved), which then counts it too."""
    settings = settings_or_exit()
    done = with_store(
        settings,
        lambda s: moderation.merge(s, settings, idea_id, into, COMMAND_LINE, support.clock()),
    )
    click.echo(f"Idea {done.id} merged into {done.merged_into}, which now counts it too.")


@ideas.command("set-aside")
@click.argument("idea_id", metavar="ID")
@click.option("--why", "why", required=True, help="Why (kept in the audit log).")
def ideas_set_aside(idea_id: str, why: str) -> None:
    """Set an idea aside: it is never shown to young people. The reason is logged."""
    settings = settings_or_exit()
    done = with_store(
        settings,
        lambda s: moderation.set_aside(s, settings, idea_id, why, COMMAND_LINE, support.clock()),
    )
    click.echo(f"Idea {done.id} set aside ({done.why}); young people never see it.")
