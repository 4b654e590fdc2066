"""Every export format, read back the way a lead's software reads it: CSV parsed, the workbook
opened with openpyxl, each PNG decoded, the Word file opened with python-docx, the Markdown read.
And over random check-ins: no format ever shows a count from 1 to K-1."""

from __future__ import annotations

import csv
import dataclasses
import io
import random
import re
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
from PIL import Image

from bot.actions.results import ResponseTable
from bot.reports import charts
from bot.reports.export import ExportFile, Trend, make
from bot.reports.formats import FORMATS
from bot.reports.message import DONE_LINES, summary_message
from bot.reports.table import dates, day
from flows.results import CheckinResults
from tests.bot.report_sample import MOOD, TREND, K, cell, hidden_results, random_results, results

pytestmark = pytest.mark.timeout(60)
LONDON = ZoneInfo("Europe/London")
MONEY_TREND = Trend("money", "How is money for you right now?", TREND)
TABLE = ResponseTable(
    3,
    ("mood", "anything"),
    ("response", "How are you feeling this week?", "Anything else?"),
    tuple((f"r{n:03d}", "OK", "[link removed]") for n in range(6)),
)


def only(files: list[ExportFile]) -> ExportFile:
    assert len(files) == 1, [f.name for f in files]
    return files[0]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so Excel reads UTF-8"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def test_csv_has_a_row_per_answer_with_hidden_counts_in_words() -> None:
    """Counts and percentages per answer; hidden ones as words and no percentage; a question
    hidden whole is one row saying why; the file is named after the check-in."""
    file = only(make("csv", results(), LONDON))
    assert file.name == "youthvoice-checkin-3-how-are-things.csv" and file.mime == "text/csv"
    rows = csv_rows(file.data)
    mood = {r["answer"]: (r["count"], r["percent"]) for r in rows if r["question_id"] == "mood"}
    assert mood == {
        "Awful": ("fewer than 5", ""),
        "Not great": ("6", "25%"),
        "OK": ("9", "38%"),
        "Good": ("5", "21%"),
        "Great": ("hidden", ""),
        "Skipped": ("fewer than 5", ""),
    }
    (safer,) = [r for r in rows if r["question_id"] == "safer"]
    assert safer["count"] == "hidden" and "fewer than 5 were asked it" in safer["answer"]
    assert {r["checkin"] for r in rows} == {"3"} and rows[0]["opened"] == "18 Nov 2026"


def test_csv_with_a_trend_adds_the_other_checkins_rows() -> None:
    rows = csv_rows(only(make("csv", results(), LONDON, trend=MONEY_TREND)).data)
    earlier = [(r["checkin"], r["answer"], r["count"]) for r in rows if r["checkin"] != "3"]
    assert earlier == [
        ("4", "(hidden: fewer than 5 took part or were asked)", "hidden"),
        ("1", "I'm OK", "8"),
        ("1", "It's tight", "12"),
        ("2", "I'm OK", "fewer than 5"),
        ("2", "It's tight", "hidden"),
    ]


def test_csv_responses_are_the_rows_the_model_gave() -> None:
    file = only(make("csv", results(), LONDON, responses=TABLE))
    assert file.name.endswith("-responses.csv") and file.part == ""
    rows = list(csv.reader(io.StringIO(file.data.decode("utf-8-sig"))))
    assert rows[0] == list(TABLE.headers) and len(rows) == 7
    assert rows[1] == ["r000", "OK", "[link removed]"]


def test_workbook_has_summary_trend_comments_and_responses_sheets() -> None:
    """What a lead sees in Excel: the check-in and who took part at the top, findings, then a
    sortable table (counts as numbers, hidden ones as words, percentages formatted)."""
    data = only(make("xlsx", results(), LONDON, trend=MONEY_TREND, responses=TABLE)).data
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Summary", "Trend", "Comments", "Responses"]
    summary = [[c for c in row] for row in book["Summary"].iter_rows(values_only=True)]
    assert summary[0][0] == "How are things? (check-in 3)"
    assert summary[1][0] == "18 Nov 2026 to 25 Nov 2026"
    assert summary[2][0] == "24 people took part (of 40 invited)."
    assert any(str(row[0]).startswith("7 in 10 of you said") for row in summary)
    header = summary.index(["Question", "Answer", "Count", "Percent"])
    table = {(row[0], row[1]): (row[2], row[3]) for row in summary[header + 1 :]}
    assert table["How are you feeling this week?", "OK"] == (9, 0.375)
    assert table["How are you feeling this week?", "Awful"] == ("fewer than 5", None)
    assert table["How are you feeling this week?", "Great"] == ("hidden", None)
    cell = book["Summary"].cell(header + 2, 4)
    assert cell.number_format == "0%"
    trend = list(book["Trend"].iter_rows(values_only=True))
    assert trend[2] == (
        4,
        "28 Oct 2026",
        "(hidden: fewer than 5 took part or were asked)",
        "hidden",
        None,
    )
    assert trend[3] == (1, "4 Nov 2026", "I'm OK", 8, 0.4)
    assert trend[5][3] == "fewer than 5"
    comments = [row[1] for row in book["Comments"].iter_rows(min_row=2, values_only=True)]
    assert sorted(comments) == ["Call me on [phone number]", "More bus passes please"]
    responses = list(book["Responses"].iter_rows(values_only=True))
    assert responses[0] == TABLE.headers and len(responses) == 7


def test_workbook_without_extras_is_the_summary_alone() -> None:
    book = openpyxl.load_workbook(io.BytesIO(only(make("xlsx", results(), LONDON)).data))
    assert book.sheetnames == ["Summary", "Comments"]


def test_charts_are_one_tall_image_then_one_per_question_then_the_trend() -> None:
    files = make("png", results(), LONDON, trend=MONEY_TREND)
    # A question hidden whole is drawn too, as the reason, so none goes missing unexplained.
    parts = ["", "01-mood", "02-money", "03-safer", "04-anything", "trend"]
    assert [f.part for f in files] == parts
    for file in files:
        image = Image.open(io.BytesIO(file.data))
        image.load()
        assert image.format == "PNG" and image.width == 1200, file.name
        assert 150 < image.height < 3000, file.name
    tall = Image.open(io.BytesIO(files[0].data))
    assert tall.height > Image.open(io.BytesIO(files[1].data)).height


def test_a_chart_labels_answers_in_words_and_draws_no_hidden_bar() -> None:
    """Each bar is named by its answer and labelled with its count and percentage; a hidden
    count has no bar (width 0) and says so in words; skipped is hatched as well as grey."""
    figure = charts.question_figure(results(), MOOD)
    (axes,) = figure.axes
    names = [label.get_text() for label in axes.get_yticklabels()]
    assert names == ["Awful", "Not great", "OK", "Good", "Great", "Skipped"]
    bars = axes.patches
    assert [bar.get_width() for bar in bars] == [0, 6, 9, 5, 0, 0]
    figures = [text.get_text() for text in axes.texts if text.get_text() != "Asked: 24"]
    assert figures == ["fewer than 5", "6 (25%)", "9 (38%)", "5 (21%)", "hidden", "fewer than 5"]
    assert bars[-1].get_hatch() == "//" and not bars[1].get_hatch()
    assert "How are you feeling this week?" in [t.get_text() for t in figure.texts]


def test_chart_words_drop_emoji_the_font_cannot_draw() -> None:
    question = dataclasses.replace(MOOD, cells=(cell("3", "😐 OK", 9, 37.5),))
    axes = charts.question_figure(results(), question).axes[0]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["OK"]


def test_a_checkin_with_nothing_to_chart_still_gets_a_readable_image() -> None:
    image = Image.open(io.BytesIO(charts.summary_chart(hidden_results())))
    assert image.width == 1200


def test_word_summary_reads_as_a_board_paper() -> None:
    """The check-in, who took part, findings in plain words, what was done (or "No update
    yet"), then a chart per question."""
    data = only(make("docx", results(), LONDON)).data
    text = docx_text(data)
    assert "What young people told us: How are things?" in text
    assert "24 people took part (of 40 invited)." in text
    assert '7 in 10 of you said "It\'s tight | very" to "How is money for you right now?"' in text
    assert "What we did about it\nNo update yet." in text
    document = docx.Document(io.BytesIO(data))
    assert len(document.inline_shapes) == 4
    # Page one carries the chart behind the main finding, before "What we did about it".
    order = [
        "chart" if p._p.xpath(".//w:drawing") else p.text
        for p in document.paragraphs
        if p.text or p._p.xpath(".//w:drawing")
    ]
    assert order.index("chart") == order.index("What we did about it") - 1
    described = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert described[0].startswith("Bar chart: How is money for you right now? I'm OK: 7 (29%)")
    assert "Awful: fewer than 5; Not great: 6 (25%)" in described[1]
    assert [d for d in described if "Hidden: " in d] == [
        f"Chart: {q.text} Hidden: {q.hidden_reason}"
        for q in results().questions
        if q.hidden_reason is not None
    ]
    done = ["We asked the council for more bus passes.", "A money advice drop-in starts in May."]
    text = docx_text(only(make("docx", results(), LONDON, done=done)).data)
    assert "No update yet" not in text and all(line in text for line in done)


def test_word_summary_with_a_trend_adds_its_chart() -> None:
    data = only(make("docx", results(), LONDON, trend=MONEY_TREND)).data
    document = docx.Document(io.BytesIO(data))
    assert len(document.inline_shapes) == 5
    assert "Over time: How is money for you right now?" in docx_text(data)


def test_markdown_summary_has_the_same_parts_as_text() -> None:
    text = only(make("md", results(), LONDON, done=["Bus passes"])).data.decode()
    assert text.startswith("# What young people told us: How are things?\n")
    assert "Check-in 3, 18 Nov 2026 to 25 Nov 2026. 24 people took part" in text
    assert "## Main findings" in text and "- Bus passes" in text
    assert "| Awful | fewer than 5 |  |" in text
    assert "| It's tight \\| very | 17 | 71% |" in text  # a pipe in a label cannot break the table
    assert "| (hidden: fewer than 5 were asked it) | hidden |  |" in text
    assert "- *Anything else you want to tell us?*: More bus passes please" in text


@pytest.mark.parametrize("fmt", ["png", "docx", "md"])
def test_summaries_cannot_hold_responses(fmt: str) -> None:
    with pytest.raises(ValueError, match="cannot hold responses"):
        make(fmt, results(), LONDON, responses=TABLE)


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        make("pdf", results(), LONDON)


# --- no small count, in any format, over random check-ins -----------------------------------


def small(count: int, k: int) -> bool:
    return 0 < count < k


def counts_shown(fmt: str, data: bytes) -> list[int]:
    """Every count a format shows as a number."""
    if fmt == "csv":
        return [int(r["count"]) for r in csv_rows(data) if r["count"].isdigit()]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data))["Summary"]
        rows = list(sheet.iter_rows(values_only=True))
        header = rows.index(("Question", "Answer", "Count", "Percent"))
        return [row[2] for row in rows[header + 1 :] if isinstance(row[2], int)]
    if fmt == "md":
        table = re.findall(r"^\| .* \| (\S[^|]*?) \| [^|]* \|$", data.decode(), re.M)
        return [int(value) for value in table if value.isdigit()]
    text = docx_text(data)
    return [int(n) for n in re.findall(r"(\d+) (?:people|person) took part", text)]


def test_no_format_shows_a_count_below_k_for_random_checkins() -> None:
    """40 random check-ins through the real results model (K = 5 and K = 3): every count a
    file shows as a number, and every bar a chart draws, is 0 or at least K, and each hidden
    count is in words."""
    rng = random.Random(20261203)
    checked = bars = 0
    for round_number in range(40):
        k = 3 if round_number % 4 == 0 else K
        shown: CheckinResults = random_results(rng, k)
        # The Word file draws every chart, so it is checked in a few rounds only.
        for fmt in (
            ("csv", "xlsx", "md", "docx") if round_number % 8 == 0 else ("csv", "xlsx", "md")
        ):
            data = only(make(fmt, shown, LONDON)).data
            counts = counts_shown(fmt, data)
            assert not [c for c in counts if small(c, k)], (fmt, counts)
            checked += len(counts)
        if round_number % 4 == 1:  # the charts: every bar and every number on one
            for question in charts.chartable(shown):
                axes = charts.question_figure(shown, question).axes[0]
                widths = [int(bar.get_width()) for bar in axes.patches]
                labelled = [
                    int(n) for t in axes.texts for n in re.findall(r"^(\d+) \(", t.get_text())
                ]
                assert not [c for c in widths + labelled if small(c, k)], (widths, labelled)
                bars += len(widths)
        hidden = [c for q in shown.questions for c in q.cells if c.count is None]
        if hidden and any(c.hidden is not None and c.hidden.name == "SMALL" for c in hidden):
            assert f"fewer than {k}".encode() in only(make("csv", shown, LONDON)).data
    assert checked > 100 and bars > 20, "the random check-ins showed too little to test"


def test_every_format_is_listed() -> None:
    assert FORMATS == ("csv", "xlsx", "png", "docx", "md")


def test_the_results_message_says_what_was_done_about_it() -> None:
    """/results' summary lists the updates that answer the check-in (their feedback counts come
    already hidden where small), cut short when there are many."""
    zone = ZoneInfo("Europe/London")
    done = ["Update 1:", "  We did: a drop-in on Thursdays", "  that helps fewer than 5"]
    text = summary_message(results(), zone, done)
    assert "What we did about it:\nUpdate 1:\n  We did: a drop-in on Thursdays" in text
    assert "What we did about it" not in summary_message(results(), zone)
    many = summary_message(results(), zone, [f"line {n}" for n in range(DONE_LINES + 5)])
    assert f"line {DONE_LINES - 1}\n…" in many and f"line {DONE_LINES}" not in many


def test_a_checkin_open_for_one_day_is_dated_once() -> None:
    """Dates read "3 Dec 2026 to 10 Dec 2026", but "on 3 Dec 2026" for a single day, not
    "3 Dec 2026 to 3 Dec 2026"."""
    week = results()
    day_long = dataclasses.replace(week, closes_at=week.opens_at + 3600)
    assert " to " in dates(week, LONDON)
    assert dates(day_long, LONDON) == f"on {day(week.opens_at, LONDON)}"
    assert dates(dataclasses.replace(week, closes_at=None), LONDON).startswith("from ")
