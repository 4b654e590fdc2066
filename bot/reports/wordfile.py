"""The Word summary (python-docx, so a lead can edit it): one page for a corporate parenting
board (the check-in, how many took part, the main findings in plain words, what was done about
it), then the charts on the pages after it, one per question."""

from __future__ import annotations

import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Inches, Pt

from bot.reports.charts import chartable, question_chart, trend_chart
from bot.reports.markdown import NO_UPDATE
from bot.reports.table import dates, hidden_note, took_part
from flows.results import CheckinResults, TrendPoint, findings

CHART_WIDTH = Inches(6.0)


def build(
    results: CheckinResults,
    zone: ZoneInfo,
    done: Sequence[str] = (),
    *,
    trend: Sequence[TrendPoint] | None = None,
    trend_question: str = "",
) -> bytes:
    """The document's bytes."""
    document = Document()
    document.core_properties.title = f"What young people told us: {results.title}"
    document.add_heading(f"What young people told us: {results.title}", level=0)
    document.add_paragraph(f"Check-in {results.checkin_id}, {dates(results, zone)}.")
    document.add_heading("Who took part", level=1)
    document.add_paragraph(took_part(results))
    document.add_heading("What young people told us", level=1)
    found = findings(results)
    for finding in found:
        document.add_paragraph(finding, style="List Bullet")
    if not found:
        document.add_paragraph("No figure is large enough to report yet.")
    document.add_heading("What we did about it", level=1)
    for line in done:
        document.add_paragraph(line, style="List Bullet")
    if not done:
        document.add_paragraph(NO_UPDATE)
    note = document.add_paragraph().add_run(hidden_note(results.k))
    note.italic = True
    note.font.size = Pt(9)
    questions = chartable(results)
    if questions or trend is not None:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading("Charts", level=1)
    for question in questions:
        picture = io.BytesIO(question_chart(results, question))
        document.add_picture(picture, width=CHART_WIDTH)
    if trend is not None:
        document.add_heading(f"Over time: {trend_question}", level=2)
        picture = io.BytesIO(trend_chart(trend_question, trend, zone))
        document.add_picture(picture, width=CHART_WIDTH)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
