"""Which files each export format makes, and their names: the one place the command line and
Telegram ask for files. CPU-bound (charts); callers in the event loop run it in a thread."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.actions.results import ResponseTable
from bot.reports import charts, csvfile, markdown, wordfile, workbook
from bot.reports.formats import MIME, WITH_RESPONSES
from bot.reports.table import slug
from flows.reach import GroupReach
from flows.results import CheckinResults, TrendPoint
from flows.review import ReviewView

_ONE_AT_A_TIME = threading.Lock()


@dataclass(frozen=True)
class Trend:
    """One question across the check-ins that asked it."""

    question_id: str
    question: str
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class ExportFile:
    """One file: ``part`` is "" for a format's main file, else what sets it apart ("03-mood"
    for one question's chart, "trend" for the trend chart); ``name`` is a sensible file name."""

    name: str
    part: str
    data: bytes
    mime: str


def base_name(results: CheckinResults) -> str:
    return f"youthvoice-checkin-{results.checkin_id}-{slug(results.title)}"


def make(
    fmt: str,
    results: CheckinResults,
    zone: ZoneInfo,
    *,
    trend: Trend | None = None,
    responses: ResponseTable | None = None,
    done: Sequence[str] = (),
    review: ReviewView | None = None,
    reach: Sequence[GroupReach] = (),
) -> list[ExportFile]:
    """The files for ``fmt`` (one of ``FORMATS``): the main file first; the Word and Markdown
    summaries end with ``reach`` (who we are hearing from). ValueError for a format that does
    not exist or cannot hold responses. Safe to call from several threads: matplotlib is not
    thread-safe, so one export is made at a time."""
    with _ONE_AT_A_TIME:
        return _make(
            fmt,
            results,
            zone,
            trend=trend,
            responses=responses,
            done=done,
            review=review,
            reach=reach,
        )


def picture(results: CheckinResults) -> bytes:
    """Every question in one PNG, for a chat (thread-safe like ``make``)."""
    with _ONE_AT_A_TIME:
        return charts.summary_chart(results)


def _make(
    fmt: str,
    results: CheckinResults,
    zone: ZoneInfo,
    *,
    trend: Trend | None = None,
    responses: ResponseTable | None = None,
    done: Sequence[str] = (),
    review: ReviewView | None = None,
    reach: Sequence[GroupReach] = (),
) -> list[ExportFile]:
    if fmt not in MIME:
        raise ValueError(f"unknown format {fmt!r}")
    if responses is not None and fmt not in WITH_RESPONSES:
        raise ValueError(f"{fmt} cannot hold responses")
    base = base_name(results)

    def one(data: bytes, part: str = "") -> ExportFile:
        name = f"{base}-{part}.{fmt}" if part else f"{base}.{fmt}"
        return ExportFile(name, part, data, MIME[fmt])

    points = trend.points if trend else ()
    question = (trend.question_id, trend.question) if trend else None
    words = trend.question if trend else ""
    if fmt == "csv":
        if responses is not None:
            name = f"{base}-responses.csv"  # the main file, named for what it holds
            return [ExportFile(name, "", csvfile.responses(responses), MIME[fmt])]
        return [one(csvfile.summary(results, zone, points, question))]
    if fmt == "xlsx":
        data = workbook.build(
            results,
            zone,
            trend=points if trend else None,
            trend_question=words,
            responses=responses,
        )
        return [one(data)]
    if fmt == "docx":
        data = wordfile.build(
            results,
            zone,
            done,
            trend=points if trend else None,
            trend_question=words,
            review=review,
            reach=reach,
        )
        return [one(data)]
    if fmt == "md":
        return [one(markdown.summary(results, zone, done, review=review, reach=reach).encode())]
    # png: every question in one tall image (the main file, what a chat shows), then one
    # image per question, each readable alone in a slide or a document, then the trend. The
    # tall image is the others stacked, so each question is drawn once.
    questions = charts.chartable(results)
    each = [charts.question_chart(results, question) for question in questions]
    files = [one(charts.stack(each) if each else charts.summary_chart(results))]
    files += [
        one(data, f"{number:02d}-{question.question_id}")
        for number, (question, data) in enumerate(zip(questions, each, strict=True), start=1)
    ]
    if trend is not None:
        files.append(one(charts.trend_chart(trend.question, trend.points, zone), "trend"))
    return files
