"""The results benchmark: one check-in of 50,000 responses to 20 questions (1,000,000 answers),
and the time and peak memory of ``checkin_results`` from opening the database to the
suppressed results, in a fresh child process.

The database is written straight with sqlite3 (not through the bot), in a few seconds.
"""

from __future__ import annotations

import asyncio
import json
import random
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bench.figures import Row
from storage.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
TIME_TARGET = 2.0  # seconds
MEMORY_TARGET = 200.0  # MB


def survey(questions: int) -> dict[str, object]:
    """A survey of every kind of question in turn, 20 of them by default."""
    kinds = ["scale", "yesno", "choice", "multi", "text"]
    made: list[dict[str, object]] = []
    for n in range(questions):
        kind = kinds[n % len(kinds)]
        question: dict[str, object] = {"id": f"q{n:02d}", "type": kind, "text": f"Question {n}?"}
        question |= {"optional": True, "prefer_not_to_say": kind != "scale"}
        if kind in ("choice", "multi"):
            question["options"] = [{"id": f"o{i}", "label": f"Option {i}"} for i in range(6)]
        if kind == "scale":
            question["scale"] = [{"label": f"Point {i}"} for i in range(5)]
        made.append(question)
    return {
        "schema_version": 1,
        "id": "bench",
        "title": "Benchmark",
        "intro": "i",
        "thanks": "t",
        "questions": made,
    }


def _answer(rng: random.Random, question: dict[str, object]) -> object:
    roll = rng.random()
    if roll < 0.05:
        return "~skip"
    if roll < 0.07 and question.get("prefer_not_to_say"):
        return "~pns"
    kind = question["type"]
    if kind == "scale":
        return str(rng.choice([1, 2, 3, 3, 4, 4, 4, 5]))
    if kind == "yesno":
        return "yes" if rng.random() < 0.7 else "no"
    options = [f"o{i}" for i in range(6)]
    if kind == "choice":
        return rng.choices(options, weights=[30, 20, 15, 10, 4, 1])[0]
    if kind == "multi":
        return sorted(rng.sample(options, rng.randint(1, 3)))
    return rng.choice(
        [
            "More buses at night",
            "call me on 07700 900123",
            "my worker is great",
            "Help with money for food",
            "nothing",
            "I'm fine",
        ]
    )


def build(folder: Path, responses: int, questions: int, seed: int = 7) -> Path:
    """The database and survey folder; returns the database path."""
    spec = survey(questions)
    (folder / "surveys").mkdir()
    (folder / "surveys" / "bench.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    path = folder / "results.db"

    async def schema() -> None:
        store = SqliteStore(path)
        await store.open()
        await store.close()

    asyncio.run(schema())
    rng = random.Random(seed)
    with sqlite3.connect(path) as db:
        # Faster to index once at the end than on every insert.
        db.execute("DROP INDEX answers_by_question")
        db.execute(
            "INSERT INTO checkins (id, survey_id, opens_at, closes_at, invited)"
            " VALUES (1, 'bench', 1764000000, 1764600000, ?)",
            (int(responses * 1.6),),
        )
        rows = []
        for _ in range(responses):
            response = secrets.token_hex(16)
            for question in spec["questions"]:  # type: ignore[union-attr]
                value = json.dumps(_answer(rng, question))
                rows.append((response, 1, question["id"], value, "2025-11-24"))
            if len(rows) >= 100_000:
                db.executemany("INSERT INTO answers VALUES (?, ?, ?, ?, ?)", rows)
                rows = []
        db.executemany("INSERT INTO answers VALUES (?, ?, ?, ?, ?)", rows)
    asyncio.run(schema())  # the index again, as the bot makes it
    return path


CHILD = """
import asyncio, json, resource, sys, time
sys.path.insert(0, {root!r})
started = time.perf_counter()
from bot.actions.results import checkin_results
from bot.services import Services
from bot.settings import Settings
from flows.survey import load_surveys
from storage.sqlite import SqliteStore

async def main():
    settings = Settings(_env_file=None, database={db!r}, surveys={surveys!r})
    store = SqliteStore(settings.database)
    await store.open()
    try:
        svc = Services(settings, store, load_surveys(settings.surveys), b"")
        began = time.perf_counter()
        found = await checkin_results(svc, 1, "bench")
        took = time.perf_counter() - began
    finally:
        await store.close()
    return found, took

found, took = asyncio.run(main())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"took": took, "whole": time.perf_counter() - started, "peak_mb": peak,
    "responses": found.responses, "questions": len(found.questions)}}))
"""


def measure(responses: int = 50_000, questions: int = 20) -> list[Row]:
    name = "7 results"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        db = build(folder, responses, questions)
        built = time.perf_counter() - began
        code = CHILD.format(root=str(ROOT), db=str(db), surveys=str(folder / "surveys"))
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
        )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    answers = responses * questions
    return [
        Row(
            name,
            f"{answers:,} answers ({responses:,} x {questions}): database built in",
            f"{built:.1f} s",
        ),
        Row(
            name,
            "checkin_results: counts, typed words, suppression",
            f"{found['took']:.2f} s",
            f"<= {TIME_TARGET:g} s",
            found["took"] <= TIME_TARGET,
        ),
        Row(name, "the same from Python start (imports, open, surveys)", f"{found['whole']:.2f} s"),
        Row(
            name,
            "peak memory of that process (ru_maxrss, all of it)",
            f"{found['peak_mb']:.0f} MB",
            f"<= {MEMORY_TARGET:g} MB",
            found["peak_mb"] <= MEMORY_TARGET,
        ),
    ]
