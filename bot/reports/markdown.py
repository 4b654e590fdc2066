"""The Markdown summary: the same as the Word summary, as text a lead can paste anywhere."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.reports.reach import HEADERS, HEADING, falling, reach_rows
from bot.reports.table import NOTHING_YET, dates, hidden_note, nothing_yet, rows, took_part
from flows.priorities import ranking, ranking_lines
from flows.reach import GroupReach, note
from flows.results import CheckinResults, findings
from flows.review import GAP_RULE, ReviewView, gaps_heading, line_words

NO_UPDATE = "No update yet."


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def summary(
    results: CheckinResults,
    zone: ZoneInfo,
    done: Sequence[str] = (),
    review: ReviewView | None = None,
    reach: Sequence[GroupReach] = (),
) -> str:
    """Title, dates, who took part, a joint review's gaps (first), the main findings, a table
    per question, what was done, and who we are hearing from (``reach``; left out when
    empty)."""
    lines = [
        f"# What young people told us: {results.title}",
        "",
        f"Check-in {results.checkin_id}, {dates(results, zone)}. {took_part(results)}",
        "",
    ]
    ranked = ranking(results)
    found = findings(results) if review is None else []  # a review's lines are its findings
    if review is not None:
        lines += ["## Is the plan happening? Gaps first", "", f"**{gaps_heading(review)}**", ""]
        lines += [f"- {line_words(line, results.k)}" for line in review.lines]
        lines += ["", f"_{GAP_RULE}_"]
    elif found or nothing_yet(found, ranked):
        lines += ["## Main findings", ""]
        lines += [f"- {finding}" for finding in found] or [NOTHING_YET]
    if ranked is not None:
        head, *rest = ranking_lines(ranked)
        lines += ["", "## What matters most", "", head, ""]
        lines += [f"- {_cell(line.strip())}" for line in rest]
    lines += ["", "## What we did about it", ""]
    lines += [f"- {line}" for line in done] or [NO_UPDATE]
    lines += _reach(reach, results.k)
    lines += ["", "## Answers", ""]
    current = None
    for row in rows(results):
        if row.question_id != current:
            if current is not None:
                lines.append("")
            current = row.question_id
            lines += [f"### {row.question}", "", "| Answer | Count | Percent |", "|---|---:|---:|"]
        lines.append(f"| {_cell(row.answer)} | {row.count_text} | {row.percent_text} |")
    comments = [(q.text, text) for q in results.questions for text in q.texts]
    if comments:
        lines += ["", "## What they wrote", "", "Shuffled, with contact details removed.", ""]
        lines += [f"- *{_cell(question)}*: {_cell(text)}" for question, text in comments]
    lines += ["", f"_{hidden_note(results.k)}_", ""]
    return "\n".join(lines)


def _reach(groups: Sequence[GroupReach], k: int) -> list[str]:
    """Each group's response rates and who never answered, as one table."""
    if not groups:
        return []
    lines = ["", f"## {HEADING}", ""]
    warning = falling(groups)
    if warning:
        lines += [f"**{warning}**", ""]
    lines += ["| " + " | ".join(HEADERS) + " |", "|---|---|---:|---:|---:|---:|---:|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in reach_rows(groups, k)]
    return [*lines, "", f"_{note(k)}_"]
