"""A joint review in the leads' views made from shown results: the /results chat message
(short enough for one message, gaps first) and the Markdown and Word summaries (gaps first,
before anything else about the answers)."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import docx

from bot.reports import markdown, wordfile
from bot.reports.message import summary_message
from flows.results import CheckinResults, summarise
from flows.review import ReviewView, review_survey, review_view
from storage.values import Checkin, Totals

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Act:
    id: int
    what: str
    role: str
    status: str


def review(count: int, gap_at: int) -> tuple[CheckinResults, ReviewView]:
    """A closed review of ``count`` actions, 8 answers each, with a gap at action ``gap_at``."""
    actions = [
        Act(n, f"Action words number {n} " + "and more words " * 20, "Manager", "done")
        for n in range(1, count + 1)
    ]
    counts = {
        f"act_{a.id}": ({"no": 5, "yes": 3} if a.id == gap_at else {"yes": 8}) for a in actions
    }
    survey = review_survey("review_1", actions)
    checkin = Checkin(1, "review_1", None, 0.0, 1.0, invited=9)
    results = summarise(survey, checkin, Totals(1, 8, counts, {}), {}, 3, random.Random(0), now=2.0)
    return results, review_view(results, {a.id: a for a in actions})


def test_the_chat_message_puts_the_gap_first_and_fits_one_message() -> None:
    results, view = review(12, gap_at=11)
    text = summary_message(results, LONDON, (), view)
    assert len(text) < 4096
    lines = text.split("\n")
    heading = lines.index(
        "1 action has a gap: the plan says it is happening, but most young people said No."
    )
    assert lines[heading + 1].startswith("• GAP: the plan says done, but most young people said")
    assert "Action 11: Action words number 11" in lines[heading + 1]
    assert "…and 4 more: /export gives them all." in lines
    assert "What stands out:" not in lines


def test_the_files_put_the_gap_first_with_every_action() -> None:
    results, view = review(12, gap_at=11)
    text = markdown.summary(results, LONDON, (), view)
    assert text.index("## Is the plan happening? Gaps first") < text.index("## Answers")
    assert text.index("- GAP: the plan says done") < text.index("- Action 1:")
    assert text.count("\n- Action ") == 11 and "## Main findings" not in text
    data = wordfile.build(results, LONDON, (), review=view)
    paragraphs = docx.Document(io.BytesIO(data)).paragraphs
    texts = [p.text for p in paragraphs]
    gap = next(p for p in paragraphs if p.text.startswith("GAP:"))
    assert gap.runs[0].bold and texts.index(gap.text) < texts.index("What we did about it")
    assert sum(t.startswith("Action ") for t in texts) == 11
