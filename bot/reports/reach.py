"""Who we are hearing from, as a table for the board summary (Word and Markdown): one row per
group from the suppressed reach model, so no file can show a hidden count."""

from __future__ import annotations

from collections.abc import Sequence

from flows.reach import ANSWERED, FALLING_RUN, NEVER, NOT_ASKED, GroupReach, rate_list
from flows.results import Cell

HEADING = "Who we are hearing from"
HEADERS = (
    "Group",
    "Response rates, oldest first",
    "Average",
    "Joined",
    "Answered (at least once)",
    "Never answered",
    "Not asked yet",
)


def reach_rows(groups: Sequence[GroupReach], k: int) -> list[tuple[str, ...]]:
    """A row per group (named "(falling)" when its rate is), every figure as a lead reads it
    ("fewer than 5", "hidden"); "" where a figure does not apply (check-ins for everyone are
    not a group of people); "not known here" where who answered cannot be told (no key)."""
    found = []
    for group in groups:
        rates = rate_list(group, k) or ("no closed check-in yet" if group.checkins else "")
        average = "" if group.average is None else f"{group.average:g}%"
        name = f"{group.name} (falling)" if group.falling else group.name
        people = group.participation
        split: tuple[str, ...] = ("", "", "", "")
        if people is None and group.cohort_id is not None:
            split = ("", "not known here", "", "")  # no key: marks cannot be read
        elif people is not None and not people.cells:
            split = (str(people.joined), "too few to say", "", "")
        elif people is not None:
            parts = (people.cell(value) for value in (ANSWERED, NEVER, NOT_ASKED))
            split = (str(people.joined), *(_shown(cell, k) for cell in parts))
        found.append((name, rates, average, *split))
    return found


def falling(groups: Sequence[GroupReach]) -> str | None:
    """One sentence naming the groups whose rate is falling, for the top of the section."""
    names = [g.name for g in groups if g.falling]
    if not names:
        return None
    return (
        f"Response rates are falling for: {', '.join(names)} (each of the last {FALLING_RUN} "
        "check-ins lower than the one before). Who is not being heard there?"
    )


def _shown(cell: Cell | None, k: int) -> str:
    return "" if cell is None else cell.shown(k)
