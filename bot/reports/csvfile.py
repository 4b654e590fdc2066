"""CSV exports: counts and percentages per question (with a trend's rows when asked), or the
row-level responses a lead asked for. UTF-8 with a byte-order mark so Excel reads the words."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from bot.actions.results import ResponseTable
from bot.reports.table import day, rows, trend_rows
from flows.results import CheckinResults, TrendPoint

HEADER = ("checkin", "opened", "question_id", "question", "answer", "count", "percent")


def _encode(lines: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(lines)
    return buffer.getvalue().encode("utf-8-sig")


def summary(
    results: CheckinResults,
    zone: ZoneInfo,
    trend: Sequence[TrendPoint] = (),
    trend_question: tuple[str, str] | None = None,
) -> bytes:
    """One row per answer: the count as shown ("12", "fewer than 5", "hidden") and its
    percentage; a hidden question is one row saying why. A trend adds the trend question's
    rows from the other check-ins that asked it (``trend_question`` is its id and words)."""
    opened = day(results.opens_at, zone)
    lines: list[Sequence[object]] = [HEADER]
    lines.extend(
        (
            results.checkin_id,
            opened,
            r.question_id,
            r.question,
            r.answer,
            r.count_text,
            r.percent_text,
        )
        for r in rows(results)
    )
    if trend_question is not None:
        question_id, words = trend_question
        for row in trend_rows(trend, results.k):
            if row.checkin_id == results.checkin_id:
                continue  # already above
            when = day(row.opens_at, zone)
            lines.append(
                (
                    row.checkin_id,
                    when,
                    question_id,
                    words,
                    row.answer,
                    row.count_text,
                    row.percent_text,
                )
            )
    return _encode(lines)


def responses(table: ResponseTable) -> bytes:
    """The responses a lead asked for, as the model gives them (already shuffled, redacted)."""
    return _encode([table.headers, *table.rows])
