"""The charts benchmark: every PNG of a 10-question check-in (one tall image of all questions
and one per question, as ``youthvoice export --format png`` writes them), timed in this
process, with loading the charting library counted separately."""

from __future__ import annotations

import random
import sys
import time
from zoneinfo import ZoneInfo

from bench.figures import Row
from flows.results import Cell, CheckinResults, Hidden, QuestionResult

TARGET = 3.0  # seconds, from issue 7
KINDS = [("scale", 6), ("yesno", 3), ("choice", 5), ("multi", 8), ("text", 2)]


def ten_questions(seed: int, responses: int = 400, k: int = 5) -> CheckinResults:
    """Results shaped like a real 10-question check-in: scales, yes/no, choices, a pick-several
    and a free-text question, with some counts hidden."""
    rng = random.Random(seed)
    questions = []
    for number in range(10):
        kind, answers = KINDS[number % len(KINDS)]
        cells = []
        for answer in range(answers):
            count = rng.randint(0, responses // 2)
            hidden = Hidden.SMALL if rng.random() < 0.15 else None
            label = f"Answer {answer + 1} to question {number + 1}"
            percent = None if hidden else round(100 * count / responses, 1)
            cells.append(Cell(str(answer), label, None if hidden else count, hidden, percent))
        text = f"Question {number + 1}: how do you feel about this part of your support?"
        questions.append(
            QuestionResult(f"q{number + 1}", text, kind, responses, tuple(cells), None)
        )
    return CheckinResults(
        1,
        "bench",
        "Ten questions",
        1_795_000_000.0,
        None,
        500,
        responses,
        k,
        True,
        tuple(questions),
    )


async def charts_for_ten_questions(seed: int) -> list[Row]:
    loaded = "bot.reports.export" in sys.modules
    started = time.perf_counter()
    from bot.reports.export import make

    load = time.perf_counter() - started
    results = ten_questions(seed)
    started = time.perf_counter()
    files = make("png", results, ZoneInfo("Europe/London"))
    took = time.perf_counter() - started
    size = sum(len(f.data) for f in files)
    name = "charts"
    return [
        Row(
            name,
            f"every PNG of a 10-question check-in ({len(files)} images, {size // 1024} kB)",
            f"{took:.2f} s",
            f"≤ {TARGET:g} s",
            took <= TARGET,
        ),
        Row(
            name,
            "loading matplotlib, once per process",
            "already loaded" if loaded else f"{load:.2f} s",
        ),
    ]
