"""Results for staff in Telegram: /checkins (workers and leads). Anyone else gets the ordinary
reply for a command the bot does not know, and nothing changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot.actions import reach, results, roles
from bot.actions.status import outbox_status
from bot.services import Services
from bot.telegram.context import services
from bot.telegram.render import reply
from bot.telegram.staff import staff_only
from flows.reach import GroupReach, group_lines
from flows.results import CheckinSummary, finished_words
from flows.schedule import format_local

# How many check-ins one message lists: every open one first, then the latest closed ones.
SHOWN = 8
# How many groups the reach part lists: falling ones first.
GROUPS_SHOWN = 6


def _when(svc: Services, timestamp: float) -> str:
    zone = svc.settings.zone
    now = datetime.fromtimestamp(svc.now(), zone)
    return format_local(datetime.fromtimestamp(timestamp, zone), zone, now)


def _line(svc: Services, row: CheckinSummary) -> str:
    k = svc.settings.min_group
    if row.open_now:
        state = f"open until {_when(svc, row.closes_at)}" if row.closes_at else "open"
    else:
        state = f"closed {_when(svc, row.closes_at)}" if row.closes_at else "closed"
    invited = "? invited" if row.invited is None else f"{row.invited} invited"
    rate = f" ({row.rate:g}%)" if row.rate is not None else ""
    finished = f"{finished_words(row.finished, k, row.stepped)} finished{rate}"
    return f"{row.checkin_id}. {row.title}, {state}: {invited}, {finished}"


def reach_lines(groups: Sequence[GroupReach], k: int) -> list[str]:
    """Who we are hearing from: each group's rates and who never answered, falling first."""
    if not groups:
        return []
    ordered = sorted(groups, key=lambda g: not g.falling)
    lines = ["", "Who we are hearing from (response rates, oldest first):"]
    for group in ordered[:GROUPS_SHOWN]:
        first, *rest = group_lines(group, k)
        lines += [f"- {first}", *rest]
    if len(ordered) > GROUPS_SHOWN:
        lines.append(f"and {len(ordered) - GROUPS_SHOWN} more: youthvoice results lists all.")
    return [*lines, "Never answered: joined before a closed check-in for them, finished none."]


def checkins_text(
    svc: Services,
    rows: list[CheckinSummary],
    waiting: int = 0,
    groups: Sequence[GroupReach] = (),
) -> str:
    """One short message: open check-ins, then the latest closed ones, who we are hearing
    from (``groups``), and how many messages wait because Telegram could not be reached
    (``waiting``)."""
    held = (
        f"\n{waiting} message{'s' if waiting != 1 else ''} could not reach Telegram on the last "
        "try; they go by themselves once it can be reached."
        if waiting
        else ""
    )
    if not rows:
        return "No check-ins yet." + held
    chosen = [r for r in rows if r.open_now] + [r for r in rows if not r.open_now]
    lines = [_line(svc, row) for row in chosen[:SHOWN]]
    k = svc.settings.min_group
    note = (
        f"Counts below {k} are hidden; while a check-in is open, finished goes up in steps of {k}."
    )
    heard = reach_lines(groups, k)
    return "\n".join(["Check-ins (newest first):", *lines, note, *heard]) + held


@staff_only(roles.may_plan)
async def on_checkins(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/checkins: open and recent check-ins with invited, finished and the response rate."""
    svc = services(context)
    if not await svc.store.claim_update(update.update_id, svc.now()):
        return  # a repeated update: answered already
    waiting = (await outbox_status(svc.store)).waiting_for_telegram
    rows, groups = await results.overview(svc), await reach.reach(svc)
    await reply(update, checkins_text(svc, rows, waiting, groups))
