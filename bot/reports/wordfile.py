"""The Word summary (python-docx, so a lead can edit it): one page for a corporate parenting
board (the check-in, how many took part, the main findings in plain words with the chart
behind the first, what was done about it), then the other questions' charts."""

from __future__ import annotations

import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_BREAK
from docx.shared import Emu, Inches, Length, Pt
from PIL import Image

from bot.reports.charts import chartable, question_chart, trend_chart
from bot.reports.markdown import NO_UPDATE
from bot.reports.reach import HEADERS, HEADING, falling, reach_rows
from bot.reports.table import NOTHING_YET, cell_row, dates, hidden_note, nothing_yet, took_part
from flows.priorities import ranking, ranking_lines
from flows.reach import GroupReach, note
from flows.results import CheckinResults, QuestionResult, TrendPoint, findings
from flows.review import GAP_RULE, ReviewView, gaps_heading, line_words

CHART_WIDTH = Inches(6.0)
# What is left of page one for the chart behind the main finding (taller charts are scaled).
FIRST_CHART = (Inches(5.5), Inches(3.6))
# The reach table's columns: the group and its rates get room; counts are short words.
REACH_WIDTHS = tuple(Inches(w) for w in (1.3, 1.4, 0.8, 0.7, 0.8, 0.8, 0.7))


def build(
    results: CheckinResults,
    zone: ZoneInfo,
    done: Sequence[str] = (),
    *,
    trend: Sequence[TrendPoint] | None = None,
    trend_question: str = "",
    review: ReviewView | None = None,
    reach: Sequence[GroupReach] = (),
) -> bytes:
    """The document's bytes; a joint review's gaps lead page one, and ``reach`` (who we are
    hearing from) ends it if given."""
    document = Document()
    document.core_properties.title = f"What young people told us: {results.title}"
    found = findings(results) if review is None else []  # a review's lines are its findings
    questions = chartable(results)
    main = _behind(results, found[0]) if found else None
    first = next((q for q in questions if q.question_id == main), None)
    _first_page(document, results, zone, found, done, first, review)
    _reach(document, reach, results.k)
    rest = [q for q in questions if q is not first]
    if rest or trend is not None:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading("Every question" if first is None else "The other questions", level=1)
    for question in rest:
        chart = question_chart(results, question)
        _picture(document, chart, CHART_WIDTH, _described(question, results.k))
    if trend is not None:
        document.add_heading(f"Over time: {trend_question}", level=2)
        chart = trend_chart(trend_question, trend, zone)
        _picture(document, chart, CHART_WIDTH, f"Line chart: {trend_question}, over time")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _reach(document: DocumentObject, groups: Sequence[GroupReach], k: int) -> None:
    """Each group's response rates and who never answered, as a table, falling ones named."""
    if not groups:
        return
    document.add_heading(HEADING, level=1)
    warning = falling(groups)
    if warning:
        document.add_paragraph().add_run(warning).bold = True
    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, words in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = words
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in reach_rows(groups, k):
        for cell, words in zip(table.add_row().cells, row, strict=True):
            cell.text = words
    table.autofit = False
    for column, width in zip(table.columns, REACH_WIDTHS, strict=True):
        column.width = width  # LibreOffice reads the grid, Word the cells
        for cell in column.cells:
            cell.width = width
    small = document.add_paragraph().add_run(note(k))
    small.italic = True
    small.font.size = Pt(9)


def _described(question: QuestionResult, k: int) -> str:
    """A chart in words, for a screen reader: every figure the bars show."""
    if question.hidden_reason is not None:
        return f"Chart: {question.text} Hidden: {question.hidden_reason}"
    figures = "; ".join(
        f"{row.answer}: {row.count_text}" + (f" ({row.percent_text})" if row.percent_text else "")
        for row in (cell_row(question, cell, k) for cell in question.cells)
    )
    return f"Bar chart: {question.text} {figures}"


def _picture(document: DocumentObject, chart: bytes, width: Length, words: str) -> None:
    """A chart with its alternative text (python-docx has no public way to set it, so it is
    written on the picture's drawing properties, where Word keeps it)."""
    shape = document.add_picture(io.BytesIO(chart), width=width)
    shape._inline.docPr.set("descr", words)


def _behind(results: CheckinResults, finding: str) -> str | None:
    """The question a finding is about (a finding quotes its question's words)."""
    return next(
        (q.question_id for q in results.questions if q.cells and f'"{q.text}"' in finding), None
    )


def _first_page(
    document: DocumentObject,
    results: CheckinResults,
    zone: ZoneInfo,
    found: Sequence[str],
    done: Sequence[str],
    question: QuestionResult | None,
    review: ReviewView | None = None,
) -> None:
    """Page one, the summary: the check-in, who took part, a joint review's gaps, what they
    told us (with the chart behind the main finding), what was done about it."""
    document.add_heading(f"What young people told us: {results.title}", level=0)
    document.add_paragraph(f"Check-in {results.checkin_id}, {dates(results, zone)}.")
    document.add_heading("Who took part", level=1)
    document.add_paragraph(took_part(results))
    ranked = ranking(results)
    if review is not None:
        _review(document, review, results.k)
    elif found or nothing_yet(found, ranked):
        document.add_heading("What young people told us", level=1)
        for finding in found:
            document.add_paragraph(finding, style="List Bullet")
        if not found:
            document.add_paragraph(NOTHING_YET)
    if question is not None:
        chart = question_chart(results, question)
        width, height = Image.open(io.BytesIO(chart)).size
        fits = min(FIRST_CHART[0] / width, FIRST_CHART[1] / height)
        _picture(document, chart, Emu(int(width * fits)), _described(question, results.k))
    if ranked is not None:
        document.add_heading("What matters most", level=1)
        head, *rest = ranking_lines(ranked)
        document.add_paragraph(head)
        for line in rest:
            document.add_paragraph(line.strip(), style="List Bullet")
    document.add_heading("What we did about it", level=1)
    for line in done:
        document.add_paragraph(line, style="List Bullet")
    if not done:
        document.add_paragraph(NO_UPDATE)
    note = document.add_paragraph().add_run(hidden_note(results.k))
    note.italic = True
    note.font.size = Pt(9)


def _review(document: DocumentObject, review: ReviewView, k: int) -> None:
    """A joint review, gaps first and in bold, with the rule that finds them."""
    document.add_heading("Is the plan happening? Gaps first", level=1)
    document.add_paragraph().add_run(gaps_heading(review)).bold = True
    for line in review.lines:
        document.add_paragraph(style="List Bullet").add_run(line_words(line, k)).bold = bool(
            line.gap
        )
    document.add_paragraph().add_run(GAP_RULE).italic = True
