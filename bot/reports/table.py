"""The rows every format shows, made in one place from the suppressed results model: each
answer's count and percentage as a lead reads them, so no format can show a hidden count."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flows.priorities import Ranking
from flows.results import Cell, CheckinResults, QuestionResult, TrendPoint


@dataclass(frozen=True)
class Row:
    """One answer to one question: ``count`` is a number only when it may be shown."""

    question_id: str
    question: str
    answer: str
    count: int | None
    count_text: str  # "12", "fewer than 5" or "hidden"
    percent: float | None  # 0 to 100, None when hidden
    percent_text: str  # "40%", "" when hidden


def percent_text(percent: float | None) -> str:
    """ "40%" (a whole number: more would suggest a precision small groups do not have)."""
    return "" if percent is None else f"{percent:.0f}%"


def cell_row(question: QuestionResult, cell: Cell, k: int) -> Row:
    shown = cell.count is not None
    percent = cell.percent if shown else None
    return Row(
        question.question_id,
        question.text,
        cell.label,
        cell.count if shown else None,
        cell.shown(k),
        percent,
        percent_text(percent),
    )


def rows(results: CheckinResults) -> list[Row]:
    """Every answer of every question, in the survey's order; a question hidden as a whole is
    one row saying why, so it is never silently missing."""
    found: list[Row] = []
    for question in results.questions:
        if question.hidden_reason is not None:
            reason = f"(hidden: {question.hidden_reason})"
            found.append(Row(question.question_id, question.text, reason, None, "hidden", None, ""))
            continue
        found.extend(cell_row(question, cell, results.k) for cell in question.cells)
    return found


def people(count: int | None, k: int) -> str:
    """ "12 people", "1 person", or "fewer than 5 people" for a hidden count."""
    if count is None:
        return f"fewer than {k} people"
    return f"{count} {'person' if count == 1 else 'people'}"


def took_part(results: CheckinResults) -> str:
    """ "12 people took part (of 40 invited)." in words a board reads."""
    invited = f" (of {results.invited} invited)" if results.invited else ""
    return f"{people(results.responses, results.k)} took part{invited}."


NOTHING_YET = "No figure is large enough to report yet."


def nothing_yet(found: Sequence[str], ranked: Ranking | None) -> bool:
    """Whether to say that no figure is large enough: there is no finding, and no ranking of
    a priorities round either (the ranking is what a round found, and says itself when no
    count is large enough to rank)."""
    return not found and ranked is None


def hidden_note(k: int) -> str:
    return (
        f"To keep everyone anonymous, any count from 1 to {k - 1} is shown as "
        f'"fewer than {k}", and a count that would give one away as "hidden".'
    )


def day(moment: float, zone: ZoneInfo) -> str:
    """A date without a time of day, e.g. "3 Dec 2026"."""
    local = datetime.fromtimestamp(moment, zone)
    return f"{local.day} {local:%b %Y}"


def dates(results: CheckinResults, zone: ZoneInfo) -> str:
    """ "3 Dec 2026 to 10 Dec 2026", "on 3 Dec 2026" when it opened and closed that day, or
    "from 3 Dec 2026" when it has no closing date."""
    opened = day(results.opens_at, zone)
    if results.closes_at is None:
        return f"from {opened}"
    closed = day(results.closes_at, zone)
    return f"on {opened}" if closed == opened else f"{opened} to {closed}"


@dataclass(frozen=True)
class TrendRow:
    """One answer at one check-in of a trend, shown like a ``Row``."""

    checkin_id: int
    opens_at: float
    answer: str
    count: int | None
    count_text: str
    percent: float | None
    percent_text: str


def trend_rows(points: Sequence[TrendPoint], k: int) -> list[TrendRow]:
    """Each check-in's answers to the trend question, oldest first; a check-in whose answers
    are all hidden (too few took part or were asked) is one row saying so."""
    found: list[TrendRow] = []
    for point in sorted(points, key=lambda point: point.opens_at):
        if not point.cells:
            hidden = f"(hidden: fewer than {k} took part or were asked)"
            found.append(
                TrendRow(point.checkin_id, point.opens_at, hidden, None, "hidden", None, "")
            )
        for cell in point.cells:
            shown = cell.count is not None
            percent = cell.percent if shown else None
            found.append(
                TrendRow(
                    point.checkin_id,
                    point.opens_at,
                    cell.label,
                    cell.count if shown else None,
                    cell.shown(k),
                    percent,
                    percent_text(percent),
                )
            )
    return found


def slug(text: str) -> str:
    """A file-name-safe form of a title: "How are things?" -> "how-are-things"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "results"
