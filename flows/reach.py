"""Reach: who is being heard. Each cohort's response rate over time, whether it is falling,
and how many of its people joined but never answered, every count hidden as in results.

Rates come from each check-in's line in the list of check-ins (``flows.results``), so a rate
hidden there is hidden here; the people counts are a small table of their own, hidden with
``flows.suppression`` like any question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from flows.results import Cell, CheckinSummary
from flows.suppression import suppress_partition

__all__ = [
    "ANSWERED",
    "FALLING_RUN",
    "NEVER",
    "NOT_ASKED",
    "GroupReach",
    "Participation",
    "falling",
    "group_reach",
    "participation",
    "participation_words",
    "rate_words",
    "shown_rates",
]

# A cohort is falling when its last FALLING_RUN shown rates of closed check-ins each are lower
# than the one before: three in a row is a pattern a lead can act on, two could be chance.
FALLING_RUN = 3
# The parts of a group's joined people; every person is in exactly one.
ANSWERED = "answered"  # finished at least one closed check-in
NEVER = "never"  # was asked (a closed check-in opened since they joined) and finished none
NOT_ASKED = "not_asked"  # joined after the latest closed check-in for them opened
LABELS = {
    ANSWERED: "answered at least once",
    NEVER: "joined but never answered",
    NOT_ASKED: "not asked yet",
}


@dataclass(frozen=True)
class Participation:
    """How a group's joined people (a count shown exactly, as in ``cohorts list``) split into
    ``ANSWERED``, ``NEVER`` and ``NOT_ASKED``, each cell hidden as in results."""

    joined: int
    cells: tuple[Cell, ...]

    def cell(self, value: str) -> Cell | None:
        return next((c for c in self.cells if c.value == value), None)


@dataclass(frozen=True)
class GroupReach:
    """One group's reach: a cohort, the people in no group, or the check-ins for everyone."""

    name: str
    cohort_id: int | None
    checkins: tuple[CheckinSummary, ...]  # its check-ins, oldest first, as in the list
    average: float | None  # mean of the shown rates of its closed check-ins
    falling: bool
    participation: Participation | None  # None: not a group of people, or not known


def shown_rates(checkins: Sequence[CheckinSummary]) -> list[float]:
    """The rates of closed check-ins that are shown, oldest first: an open check-in has none
    yet, and a hidden count hides its rate."""
    return [c.rate for c in checkins if c.rate is not None and not c.stepped]


def falling(rates: Sequence[float]) -> bool:
    """Whether the last ``FALLING_RUN`` rates each are lower than the one before (fewer
    rates than that: not falling)."""
    last = list(rates[-FALLING_RUN:])
    return len(last) == FALLING_RUN and all(b < a for a, b in pairwise(last))


def participation(counts: Mapping[str, int], k: int) -> Participation:
    """The split of a group's people with small counts hidden: 1 to K-1 as "fewer than K",
    and others too where the joined total would give a small one away; none at all when no
    choice is safe."""
    table = {value: int(counts.get(value, 0)) for value in LABELS}
    joined = sum(table.values())
    hidden = suppress_partition(table, k, joined)
    if hidden is None:
        return Participation(joined, ())
    cells = tuple(
        Cell(
            value,
            LABELS[value],
            None if value in hidden else count,
            hidden.get(value),
            None if value in hidden else _percent(count, joined),
        )
        for value, count in table.items()
    )
    return Participation(joined, cells)


def group_reach(
    name: str,
    cohort_id: int | None,
    checkins: Sequence[CheckinSummary],
    people: Participation | None,
) -> GroupReach:
    """A group's reach from its check-ins' lines (any order) and its people's split."""
    ordered = tuple(sorted(checkins, key=lambda c: (c.opens_at, c.checkin_id)))
    rates = shown_rates(ordered)
    average = round(sum(rates) / len(rates), 1) if rates else None
    return GroupReach(name, cohort_id, ordered, average, falling(rates), people)


def rate_words(group: GroupReach, last: int = 6) -> str:
    """The group's rates over time as a lead reads them: "rates 80%, hidden, 65%, 50%
    (average 65%, falling)"; at most ``last`` closed check-ins, the newest last."""
    closed = [c for c in group.checkins if not c.stepped]
    if not closed:
        return "no closed check-in yet"
    shown = ", ".join(_rate(c) for c in closed[-last:])
    more = "" if len(closed) <= last else "..., "
    notes = [] if group.average is None else [f"average {group.average:g}%"]
    if group.falling:
        notes.append(f"FALLING: each of the last {FALLING_RUN} lower than the one before")
    return f"response rates {more}{shown}" + (f" ({'; '.join(notes)})" if notes else "")


def participation_words(people: Participation, k: int) -> str:
    """The split in words: "14 joined: 9 answered at least once, fewer than 5 joined but
    never answered, 0 not asked yet"."""
    if not people.cells:
        return f"{people.joined} joined (too few to say how many answered)"
    parts = ", ".join(f"{c.shown(k)} {c.label}" for c in people.cells)
    return f"{people.joined} joined: {parts}"


def _rate(line: CheckinSummary) -> str:
    """A closed check-in's rate: "?" when how many were invited is not known."""
    if not line.invited:
        return "?"
    return "hidden" if line.rate is None else f"{line.rate:g}%"


def _percent(count: int, base: int) -> float:
    return round(100 * count / base, 1) if base else 0.0
