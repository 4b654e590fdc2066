"""Excel exports (openpyxl, streamed): a Summary sheet (the check-in, who took part, the main
findings, then one row per answer), a Trend sheet when a trend is asked for, a Comments sheet
of free text when there is any, and a Responses sheet when a lead asks for row-level answers.

Shown counts are numbers and percentages are real percentages, so a lead can sort and chart
them; a hidden count is the words "fewer than 5" or "hidden", never a number.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.actions.results import ResponseTable
from bot.reports.table import (
    NOTHING_YET,
    dates,
    day,
    hidden_note,
    nothing_yet,
    rows,
    took_part,
    trend_rows,
)
from flows.priorities import ranking, ranking_lines
from flows.results import CheckinResults, TrendPoint, findings

if TYPE_CHECKING:  # the streamed sheet's class is only named, never made, here
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
PERCENT = "0%"
TABLE_HEADER = ("Question", "Answer", "Count", "Percent")
Value = str | int | float | None


def _cells(
    sheet: WriteOnlyWorksheet, values: Sequence[Value], font: Font | None = None
) -> list[Cell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells


def _number_cells(
    sheet: WriteOnlyWorksheet, count: int | None, count_text: str, percent: float | None
) -> list[Cell]:
    """A shown count as a number; a hidden one as words, right-aligned like the numbers."""
    count_cell = WriteOnlyCell(sheet, value=count if count is not None else count_text)
    if count is None:
        count_cell.alignment = Alignment(horizontal="right")
    fraction = None if percent is None else round(percent / 100, 4)
    percent_cell = WriteOnlyCell(sheet, value=fraction)
    percent_cell.number_format = PERCENT
    return [count_cell, percent_cell]


def _widths(sheet: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    """Column widths (in characters), and a page set-up that prints the sheet readably."""
    _printable(sheet)
    dimensions = _set_up(sheet).column_dimensions
    for number, width in enumerate(widths, start=1):
        dimensions[get_column_letter(number)].width = width


def build(
    results: CheckinResults,
    zone: ZoneInfo,
    *,
    trend: Sequence[TrendPoint] | None = None,
    trend_question: str = "",
    responses: ResponseTable | None = None,
) -> bytes:
    """The workbook's bytes."""
    book = Workbook(write_only=True)
    _summary(book.create_sheet("Summary"), results, zone)
    if trend is not None:
        _trend(book.create_sheet("Trend"), trend, trend_question, results.k, zone)
    comments = [(q.text, text) for q in results.questions for text in q.texts]
    if comments:
        sheet = book.create_sheet("Comments")
        _widths(sheet, (50, 80))
        sheet.append(
            _cells(sheet, ("Question", "What they wrote (shuffled, details removed)"), BOLD)
        )
        for question, text in comments:
            sheet.append([question, text])
    if responses is not None:
        sheet = book.create_sheet("Responses")
        sheet.freeze_panes = "A2"
        _widths(sheet, [14] + [24] * (len(responses.headers) - 1))
        sheet.append(_cells(sheet, responses.headers, BOLD))
        for row in responses.rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _set_up(sheet: WriteOnlyWorksheet) -> Worksheet:
    """The streamed sheet's page set-up and column sizes: it has them (``Worksheet._setup``
    makes them), but the type stubs only give them to ``Worksheet``."""
    return cast(Worksheet, sheet)


def _printable(sheet: WriteOnlyWorksheet) -> None:
    """Printed, a sheet is landscape and as wide as the page (not a column a page)."""
    page = _set_up(sheet)
    page.page_setup.orientation = "landscape"
    page.page_setup.fitToWidth = 1
    page.page_setup.fitToHeight = 0
    page.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _summary(sheet: WriteOnlyWorksheet, results: CheckinResults, zone: ZoneInfo) -> None:
    _widths(sheet, (62, 30, 14, 10))
    sheet.append(_cells(sheet, (f"{results.title} (check-in {results.checkin_id})",), TITLE))
    sheet.append([dates(results, zone)])
    sheet.append([took_part(results)])
    sheet.append([hidden_note(results.k)])
    sheet.append([])
    found, ranked = findings(results), ranking(results)
    if found or nothing_yet(found, ranked):
        sheet.append(_cells(sheet, ("Main findings",), BOLD))
        for finding in found or [NOTHING_YET]:
            sheet.append([finding])
    if ranked is not None:
        if found:
            sheet.append([])
        head, *rest = ranking_lines(ranked)
        sheet.append(_cells(sheet, ("What matters most",), BOLD))
        sheet.append([head])
        for line in rest:
            sheet.append([line.strip()])
    sheet.append([])
    sheet.append(_cells(sheet, TABLE_HEADER, BOLD))
    for row in rows(results):
        values = _number_cells(sheet, row.count, row.count_text, row.percent)
        sheet.append([row.question, row.answer, *values])


def _trend(
    sheet: WriteOnlyWorksheet, points: Sequence[TrendPoint], question: str, k: int, zone: ZoneInfo
) -> None:
    _widths(sheet, (12, 16, 30, 14, 10))
    sheet.append(_cells(sheet, (question,), TITLE))
    sheet.append(_cells(sheet, ("Check-in", "Opened", "Answer", "Count", "Percent"), BOLD))
    for row in trend_rows(points, k):
        values = _number_cells(sheet, row.count, row.count_text, row.percent)
        sheet.append([row.checkin_id, day(row.opens_at, zone), row.answer, *values])
