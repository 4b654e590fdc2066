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

Span = tuple[float, float]  # the lowest and highest a rate could be

__all__ = [
    "ANSWERED",
    "FALLING_RUN",
    "NEVER",
    "NOT_ASKED",
    "GroupReach",
    "Participation",
    "falling",
    "group_lines",
    "group_reach",
    "note",
    "participation",
    "participation_words",
    "rate_list",
    "rate_spans",
    "rate_words",
    "shown_rates",
]

# A cohort is falling when the rates of its last FALLING_RUN closed check-ins each are lower
# than the one before: three in a row is a pattern a lead can act on, two could be chance.
FALLING_RUN = 3
# What the figures mean, for the lead reading them ({k}: the threshold).
NOTE = (
    "Rates are finished / invited for closed check-ins. Never answered: joined before a closed "
    "check-in for them opened, and finished none (only closed check-ins count: the figures "
    "change when one closes, never as people answer). Counts from 1 "
    'to {k_less} show as "fewer than {k}"; "hidden" counts would give those away.'
)
# The parts of a group's joined people; every person is in exactly one.
ANSWERED = "answered"  # finished at least one closed check-in
NEVER = "never"  # was asked (a closed check-in opened since they joined) and finished none
NOT_ASKED = "not_asked"  # joined after the latest closed check-in for them opened
LABELS = {
    ANSWERED: "answered at least once",
    NEVER: "joined but never answered",
    NOT_ASKED: "not asked yet (joined since the last closed check-in)",
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


def rate_spans(checkins: Sequence[CheckinSummary], k: int) -> list[Span]:
    """What anyone reading the list can tell of each closed check-in's rate, oldest first: a
    shown rate exactly; a hidden one (1 to K-1 finished of the invited shown) only lies
    between 1 and K-1 finished. Check-ins with no known invited count are left out."""
    spans: list[Span] = []
    for line in checkins:
        if line.stepped or not line.invited:
            continue
        if line.rate is not None:
            spans.append((line.rate, line.rate))
        elif line.finished is None:
            spans.append((100 * 1 / line.invited, 100 * (k - 1) / line.invited))
    return spans


def falling(rates: Sequence[Span]) -> bool:
    """Whether each of the last ``FALLING_RUN`` rates is surely lower than the one before:
    its highest possible value below the other's lowest (a shown rate is one value). Fewer
    rates than that: not falling."""
    last = list(rates[-FALLING_RUN:])
    return len(last) == FALLING_RUN and all(b[1] < a[0] for a, b in pairwise(last))


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
    k: int,
) -> GroupReach:
    """A group's reach from its check-ins' lines (any order) and its people's split."""
    ordered = tuple(sorted(checkins, key=lambda c: (c.opens_at, c.checkin_id)))
    rates = shown_rates(ordered)
    average = round(sum(rates) / len(rates), 1) if rates else None
    return GroupReach(name, cohort_id, ordered, average, falling(rate_spans(ordered, k)), people)


def rate_list(group: GroupReach, k: int, last: int = 6) -> str:
    """The rates of the group's last ``last`` closed check-ins, oldest first: "80%, fewer
    than 5 finished, 50%" ("..., " before them when there were more); "" when none closed."""
    closed = [c for c in group.checkins if not c.stepped]
    more = "" if len(closed) <= last else "..., "
    return more + ", ".join(_rate(c, k) for c in closed[-last:])


def rate_words(group: GroupReach, k: int, last: int = 6) -> str:
    """The group's rates over time as a lead reads them: "response rates 80%, fewer than 5
    finished, 50% (average 65%)"; at most ``last`` closed check-ins, the newest last."""
    shown = rate_list(group, k, last)
    if not shown:
        return "no closed check-in yet"
    notes = [] if group.average is None else [f"average {group.average:g}%"]
    if group.falling:
        notes.append(f"FALLING: each of the last {FALLING_RUN} lower than the one before")
    return f"response rates {shown}" + (f" ({'; '.join(notes)})" if notes else "")


def participation_words(people: Participation, k: int) -> str:
    """The split in words: "14 joined. Answered at least once: 9; joined but never
    answered: fewer than 5; not asked yet: 0"."""
    if not people.cells:
        return f"{people.joined} joined (too few to say how many answered)"
    parts = "; ".join(f"{c.label}: {c.shown(k)}" for c in people.cells)
    return f"{people.joined} joined. {parts[0].upper()}{parts[1:]}"


def group_lines(group: GroupReach, k: int) -> list[str]:
    """A group as a lead reads it: its rates over time, then how its people split (a group
    with no check-ins of its own, such as the people in no group, is the split alone)."""
    people = group.participation
    if not group.checkins and people is not None:
        return [f"{group.name}: {participation_words(people, k)}"]
    lines = [f"{group.name}: {rate_words(group, k)}"]
    if people is not None:
        lines.append(participation_words(people, k))
    return lines


def note(k: int) -> str:
    return NOTE.format(k=k, k_less=k - 1)


def _rate(line: CheckinSummary, k: int) -> str:
    """A closed check-in's rate: "?" when how many were invited is not known."""
    if not line.invited:
        return "?"
    return f"fewer than {k} finished" if line.rate is None else f"{line.rate:g}%"


def _percent(count: int, base: int) -> float:
    return round(100 * count / base, 1) if base else 0.0
