"""``youthvoice export``: every format written and read back, and every bad request refused in
one line (exit 1 or 2, never a traceback), with nothing written and nothing logged."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import docx
import openpyxl
import pytest
from PIL import Image

from storage.base import Audience, NewCheckin
from storage.sqlite import SqliteStore
from tests.bot.answers_seed import close, finish
from tests.conftest import clock_start, run

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def answered(env: dict[str, str]) -> dict[str, str]:
    """Check-in 1 with 12 finished responses, check-in 2 (the same survey) with 3, both closed
    as they opened; check-in 3 still open with 12."""
    database = Path(env["YOUTHVOICE_DATABASE"])

    async def open_three() -> None:
        # Straight into the database: the command would refuse a check-in for nobody.
        async with SqliteStore(database) as store:
            for _ in range(3):
                new = NewCheckin("weekly", None, clock_start(), clock_start() + 7 * 86400)
                await store.open_checkin(new, Audience(cohort_id=None), lambda c: {"t": 1})

    asyncio.run(open_three())
    finish(database, 1, 12)
    finish(database, 2, 3, seed=2)
    finish(database, 3, 12, seed=3)
    for checkin_id in (1, 2):
        close(database, checkin_id, clock_start())
    return env


def one_line_error(result: object, code: int, words: str) -> None:
    exit_code = getattr(result, "exit_code", None)
    output = getattr(result, "output", "")
    assert exit_code == code, output
    assert words in output, output
    assert "Traceback" not in output
    assert output.count("youthvoice:") == 1


def test_csv_export_is_counts_per_answer(answered: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    result = run(answered, "export", "1", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote the results of check-in 1 as csv to {out}\n"
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert {r["question_id"] for r in rows} >= {"mood", "money", "help", "anything"}
    counts = [int(r["count"]) for r in rows if r["count"].isdigit()]
    assert counts and all(c == 0 or c >= 5 for c in counts)


def test_every_format_can_be_opened(answered: dict[str, str], tmp_path: Path) -> None:
    """Excel opens with openpyxl, each chart decodes as a PNG, Word opens with python-docx
    and reads as the summary, Markdown reads as the same summary."""
    for fmt in ("xlsx", "png", "docx", "md"):
        out = tmp_path / f"results.{fmt}"
        result = run(answered, "export", "1", "--format", fmt, "--out", str(out))
        assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "results.xlsx")
    assert book.sheetnames[0] == "Summary"
    assert book["Summary"]["A3"].value == "12 people took part."
    charts = sorted(tmp_path.glob("results*.png"))
    assert [p.name for p in charts][:3] == [
        "results-01-mood.png",
        "results-02-safe_home.png",
        "results-03-safer.png",  # hidden whole: drawn as the reason
    ]
    for chart in charts:
        with Image.open(chart) as image:
            assert image.format == "PNG" and image.width == 1200 and image.height > 150
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "results.docx")).paragraphs)
    assert "12 people took part." in text and "What we did about it\nNo update yet." in text
    markdown = (tmp_path / "results.md").read_text()
    assert markdown.startswith("# What young people told us: How are things?")


def test_responses_and_a_trend(answered: dict[str, str], tmp_path: Path) -> None:
    """--responses: one row per response, a random id, no dates; --trend adds a sheet with
    every check-in that asked the question (check-in 2's answers hidden)."""
    out = tmp_path / "rows.csv"
    result = run(answered, "export", "1", "--format", "csv", "--out", str(out), "--responses")
    assert result.exit_code == 0, result.output
    assert "Wrote the responses of check-in 1" in result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "response" and len(rows) == 13
    assert len({row[0] for row in rows[1:]}) == 12
    assert not any("07700" in cell for row in rows for cell in row)
    out = tmp_path / "trend.xlsx"
    args = ("--format", "xlsx", "--out", str(out), "--trend", "money", "--responses")
    result = run(answered, "export", "1", *args)
    assert result.exit_code == 0, result.output
    assert f"Wrote the results of check-in 1 with responses as xlsx to {out}" in result.output
    book = openpyxl.load_workbook(out)
    names = book.sheetnames
    assert names[:2] == ["Summary", "Trend"] and names[-1] == "Responses"
    trend = list(book["Trend"].iter_rows(min_row=3, values_only=True))
    assert {row[0] for row in trend} == {1, 2}  # not the open check-in 3
    assert [row[3] for row in trend if row[0] == 2] == ["hidden"]


def test_exports_are_audit_logged(answered: dict[str, str], tmp_path: Path) -> None:
    run(answered, "export", "1", "--format", "md", "--out", str(tmp_path / "r.md"))
    lines = run(answered, "audit").output.splitlines()
    assert "command line  exported results: check-in 1 as md" in lines[0]


def test_one_export_is_one_audit_line(answered: dict[str, str], tmp_path: Path) -> None:
    """Regression: an export logged "viewed results" (and "took row-level responses", and
    "viewed a trend") besides "exported results". One export is one line."""
    args = ("--format", "xlsx", "--out", str(tmp_path / "r.xlsx"), "--responses")
    assert run(answered, "export", "1", *args, "--trend", "money").exit_code == 0
    lines = [
        line
        for line in run(answered, "audit").output.splitlines()
        if "opened a check-in" not in line
    ]
    assert len(lines) == 1 and "exported results: check-in 1 as xlsx with responses" in lines[0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "png", "docx", "md"])
@pytest.mark.parametrize("responses", [False, True])
def test_open_checkin_exports_nothing(
    answered: dict[str, str], tmp_path: Path, fmt: str, responses: bool
) -> None:
    """Regression: an open check-in could be exported while answers came in, so two exports
    told apart the people who finished in between. Every format, with --responses or not,
    is refused until it closes, saying when."""
    if responses and fmt not in ("csv", "xlsx"):
        return
    out = tmp_path / f"r.{fmt}"
    more = ("--responses",) if responses else ()
    result = run(answered, "export", "3", "--format", fmt, "--out", str(out), *more)
    one_line_error(result, 1, "check-in 3 is still open. Results show when the check-in closes on")
    assert not out.exists() and "exported" not in run(answered, "audit").output


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("9", "--format", "csv"), 1, "youthvoice: no check-in 9; see: youthvoice results"),
        (("2", "--format", "csv"), 1, "check-in 2 has fewer than 5 finished responses"),
        (("2", "--format", "csv", "--responses"), 1, "fewer than 5 finished responses"),
        (("1", "--format", "md", "--responses"), 1, "--responses: row-level responses come"),
        (("1", "--format", "csv", "--trend", "nosuch"), 1, "no survey asks a question"),
    ],
)
def test_refused_exports_write_and_log_nothing(
    answered: dict[str, str], tmp_path: Path, args: tuple[str, ...], code: int, words: str
) -> None:
    out = tmp_path / "out.file"
    result = run(answered, "export", *args, "--out", str(out))
    one_line_error(result, code, words)
    assert not out.exists()
    assert "exported" not in run(answered, "audit").output


def test_bad_out_and_format_are_refused_before_any_work(
    answered: dict[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder" / "r.csv"
    result = run(answered, "export", "1", "--format", "csv", "--out", str(missing))
    one_line_error(result, 2, "--out: the folder")
    assert "does not exist; create it or choose another" in result.output
    result = run(answered, "export", "1", "--format", "csv", "--out", str(tmp_path))
    one_line_error(result, 2, "is a folder; give a file name")
    result = run(answered, "export", "1", "--format", "pdf", "--out", str(tmp_path / "r.pdf"))
    assert result.exit_code == 2 and "'pdf' is not one of" in result.output
    result = run(answered, "export", "one", "--format", "csv", "--out", str(tmp_path / "r"))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "viewed results" not in run(answered, "audit").output
