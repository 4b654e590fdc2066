"""What the staff planning wizards (/newcheckin, /newmeeting) share: times in staff's words,
who a plan is for, and reading a typed date."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.actions import plans
from bot.services import Services
from bot.telegram.wizard import Answers, Changed, Choice, Retry
from flows.dates import examples, read_when, show_when


def when_words(svc: Services, timestamp: float | None) -> str:
    """A time for staff: "Thu 3 Dec, 6pm", with the year when it is not this year."""
    if timestamp is None:
        return "never"
    zone = svc.settings.zone
    return show_when(datetime.fromtimestamp(timestamp, zone), zone, svc.now())


def date_examples(svc: Services) -> str:
    """Ways to type a date and time, none of them in the past (``flows.dates.examples``)."""
    return examples(svc.settings.zone, svc.now()).removeprefix("like ")


def people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


# The answers key where a preview notes how many people it said the plan reaches.
_REACH_SHOWN = "reach shown"


def reach_shown(answers: Answers, reach: int) -> int:
    """Note the reach a preview is about to show (``reach_still`` checks it at confirm)."""
    answers[_REACH_SHOWN] = reach
    return reach


def reach_still(answers: Answers, reach: int) -> None:
    """At confirm: ``Changed`` when people joined or left since the preview, so staff see the
    new count (and any small-group warning) and confirm what will really happen."""
    shown = answers.get(_REACH_SHOWN)
    if shown is not None and shown != reach:
        raise Changed(
            f"Since you checked, people joined or left: it now reaches {people(reach)}, "
            f"not {shown}. Nothing was sent yet. Please check again."
        )


async def cohort_choices(svc: Services) -> list[Choice]:
    """Everyone, then each cohort by name."""
    cohorts = await svc.store.cohorts()
    return [Choice("Everyone who joined", None), *(Choice(c.name, c.id) for c in cohorts)]


async def cohort_words(svc: Services, cohort_id: int | None) -> str:
    """Who a cohort choice means, with how many it reaches now."""
    reach = await plans.reach(svc.store, cohort_id)
    names = {c.id: c.name for c in await svc.store.cohorts()}
    who = names.get(cohort_id, "everyone who joined") if cohort_id is not None else "everyone"
    return f"{who} ({people(reach)} now)"


def read_at(text: str, svc: Services, answers: Answers) -> datetime:
    try:
        return read_when(text, svc.settings.zone, svc.now())
    except ValueError as exc:
        raise Retry(str(exc)) from None


def shown_at(svc: Services, value: Any) -> str:
    """A typed date read back: "Thu 3 Dec, 6pm" (the year too when not this year)."""
    return when_words(svc, value.timestamp()) if isinstance(value, datetime) else str(value)
