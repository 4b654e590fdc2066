"""Who we are hearing from in the board summaries (Word and Markdown): each group's rates,
average, the falling ones named, and the people counts, hidden exactly as the reach model
says; no file shows a count from 1 to K-1 as a number."""

from __future__ import annotations

import io
import random
from zoneinfo import ZoneInfo

import docx

from bot.reports.export import make
from flows.reach import ANSWERED, NEVER, NOT_ASKED, GroupReach, group_reach, participation
from flows.results import CheckinSummary
from tests.bot.report_sample import K, results

LONDON = ZoneInfo("Europe/London")


def line(checkin_id: int, invited: int, finished: int) -> CheckinSummary:
    """A closed check-in's line as the list shows it (small finished counts hidden)."""
    shown = None if 0 < finished < K else finished
    rate = None if shown is None else round(100 * finished / invited, 1)
    return CheckinSummary(
        checkin_id, "weekly", "How are things?", float(checkin_id), checkin_id + 1.0, False,
        invited, shown, rate,
    )  # fmt: skip


def groups() -> list[GroupReach]:
    north = [line(1, 20, 18), line(2, 20, 14), line(3, 20, 10)]
    south = [line(4, 10, 8), line(5, 10, 3)]
    return [
        group_reach("North", 1, north, participation({ANSWERED: 14, NEVER: 6}, K), K),
        group_reach("South", 2, south, participation({ANSWERED: 8, NEVER: 2}, K), K),
        group_reach("Check-ins for everyone", None, [line(6, 30, 15)], None, K),
    ]


def markdown(reach: list[GroupReach]) -> str:
    [file] = make("md", results(), LONDON, reach=reach)
    return file.data.decode()


def word_tables(reach: list[GroupReach]) -> tuple[str, list[list[str]]]:
    [file] = make("docx", results(), LONDON, reach=reach)
    document = docx.Document(io.BytesIO(file.data))
    text = "\n".join(p.text for p in document.paragraphs)
    rows = [[cell.text for cell in row.cells] for t in document.tables for row in t.rows]
    return text, rows


def test_markdown_summary_says_who_we_are_hearing_from() -> None:
    """A section before the answers: the falling groups named, then a row per group."""
    text = markdown(groups())
    assert "## Who we are hearing from" in text
    assert "**Response rates are falling for: North (each of the last 3 check-ins" in text
    assert "| North (falling) | 90%, 70%, 50% | 70% | 20 | 14 | 6 | 0 |" in text
    # 2 never answered: "fewer than 5", and 8 answered beside 10 joined would tell it.
    assert "| South | 80%, fewer than 5 finished | 80% | 10 | hidden | fewer than 5 | 0 |" in text
    assert "| Check-ins for everyone | 50% | 50% |  |  |  |  |" in text
    assert text.index("## Who we are hearing from") < text.index("## Answers")


def test_word_summary_has_the_reach_table_on_page_one() -> None:
    """The same table in Word, with the same words for hidden counts."""
    text, rows = word_tables(groups())
    assert "Who we are hearing from" in text and "Response rates are falling for: North" in text
    assert rows[0][:3] == ["Group", "Response rates, oldest first", "Average"]
    assert rows[1] == ["North (falling)", "90%, 70%, 50%", "70%", "20", "14", "6", "0"]
    assert rows[2][4:6] == ["hidden", "fewer than 5"]
    # Page one ends with it: after what was done, before the other questions' charts.
    heading = text.index("Who we are hearing from")
    assert text.index("What we did about it") < heading < text.index("The other questions")


def test_without_reach_there_is_no_section() -> None:
    """No groups given (a format or caller without reach): no heading, no empty table."""
    assert "Who we are hearing from" not in markdown([])
    assert word_tables([])[1] == []


def test_no_reach_table_shows_a_small_count() -> None:
    """Random groups of 0 to 30 people split every way: every people count either file shows
    as a number is 0 or at least K."""
    rng = random.Random(20261203)
    for round_number in range(30):
        reach = [
            group_reach(
                f"Group {n}",
                n,
                [],
                participation({v: rng.randint(0, 10) for v in (ANSWERED, NEVER, NOT_ASKED)}, K),
                K,
            )
            for n in range(1, 5)
        ]
        text = markdown(reach)
        table = text[text.index("| Group |") : text.index("_Rates are")]
        shown = [
            int(n)
            for row in table.splitlines()[2:]
            for n in row.split("|")[5:8]
            if n.strip().isdigit()
        ]
        assert not [n for n in shown if 0 < n < K], table
        rows = word_tables(reach)[1] if round_number % 10 == 0 else []
        numbers = [int(c) for row in rows[1:] for c in row[4:] if c.isdigit()]
        assert not [n for n in numbers if 0 < n < K], rows
