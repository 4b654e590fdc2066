"""The action plan as young people read it (flows/plan.py): what counts as new or changed since
they last looked, the plan in plain words in every reading, and messages that fit a phone."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from flows.plan import MESSAGE_BUDGET, Mark, by_priority, mark, pack, parts
from flows.texts import Text, render

ZONE = ZoneInfo("Europe/London")
SEEN = 1000.0


@dataclass(frozen=True)
class Item:
    priority: str
    what: str
    role: str = "Leaving care manager"
    due_on: str | None = None
    status: str = "planned"
    added_at: float = 500.0
    changed_at: float = 500.0


def _length(text: Text, lang: str) -> int:
    return len(render(text, lang, ZONE))


def shown(items: list[Item], seen: float | None, lang: str = "en") -> str:
    return "\n\n".join(render(t, lang, ZONE) for t in parts(items, seen))


@pytest.mark.parametrize(
    ("added", "changed", "seen", "expected"),
    [
        (500, 500, None, Mark.SAME),  # never looked: nothing marked
        (500, 2000, None, Mark.SAME),
        (500, 500, SEEN, Mark.SAME),
        (500, 1500, SEEN, Mark.CHANGED),  # its status changed after they looked
        (1500, 1500, SEEN, Mark.NEW),  # added after they looked
        (1500, 1800, SEEN, Mark.NEW),  # added and changed since: new is what matters
        (500, SEEN, SEEN, Mark.SAME),  # changed the moment they looked: they saw it
    ],
)  # fmt: skip
def test_what_counts_as_new_or_changed_since_they_last_looked(
    added: float, changed: float, seen: float | None, expected: Mark
) -> None:
    assert mark(Item("Money", "Budgeting", added_at=added, changed_at=changed), seen) is expected


def test_the_plan_reads_in_plain_words_grouped_by_priority() -> None:
    """Each priority once, above its actions in the order they came; what, where it stands
    (with the date while not finished) and which role does it."""
    items = [
        Item("Money", "Run a budgeting session", due_on="2027-01-31"),
        Item("Home", "Visit every flat", role="Housing officer", status="in_progress"),
        Item("Money", "Ask for a bigger grant", status="done", due_on="2026-12-01"),
        Item("Home", "Fix the heating", status="couldnt"),
    ]
    assert [p for p, _ in by_priority(items)] == ["Money", "Home"]
    text = shown(items, None)
    assert text.startswith("📋 The plan: what we're doing about what young people said.")
    assert text.count("You said this matters: Money") == 1
    assert text.index("Run a budgeting session") < text.index("Ask for a bigger grant")
    assert text.index("Ask for a bigger grant") < text.index("You said this matters: Home")
    assert "• Run a budgeting session\n📅 Planned, to be done by Sun 31 Jan 2027" in text
    assert "• Ask for a bigger grant\n✅ Done\n" in text  # a finished one has no date
    assert "⏳ Started, we're working on it\n👤 Who's doing it: Housing officer" in text
    assert "😔 We couldn't do this one" in text
    assert "🆕" not in text  # a first look marks nothing


def test_only_what_changed_since_the_last_look_is_marked() -> None:
    items = [
        Item("Money", "Run a budgeting session"),
        Item("Money", "Ask for a bigger grant", status="done", changed_at=1500),
        Item("Home", "Visit every flat", added_at=1600, changed_at=1600),
    ]
    text = shown(items, SEEN)
    assert "🆕 marks what's new or changed since you last looked." in text
    assert "• Run a budgeting session" in text
    assert "🆕 Changed: Ask for a bigger grant\n✅ Done" in text
    assert "🆕 New: Visit every flat" in text
    same = shown(items, 2000)
    assert "Nothing has changed since you last looked." in same and "🆕" not in same


def test_an_empty_plan_says_so_kindly() -> None:
    assert shown([], None) == (
        "There's no plan yet. When young people have picked what matters most, you'll see "
        "here what we're doing about it."
    )


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("cy", ["📋 Y cynllun", "Dwedoch chi fod hyn yn bwysig: Money", "🆕 Wedi newid: Grant",
                "✅ Wedi'i wneud", "Pwy sy'n ei wneud: Leaving care manager"]),
        ("en@easyread", ["📋 The plan.\nThis is what we are doing", "🆕 Changed: Grant",
                         "✅ Done", "👤 Who is doing it: Leaving care manager",
                         "📅 Not started yet.\nIt will be done by Sun 31 Jan 2027"]),
        ("cy@easyread", ["📋 Y cynllun.\nDyma beth", "🆕 Wedi newid: Grant",
                         "📅 Heb ddechrau eto.\nBydd wedi'i wneud erbyn Sun 31 Jan 2027"]),
    ],
)  # fmt: skip
def test_the_plan_reads_in_welsh_and_easy_read(lang: str, words: list[str]) -> None:
    items = [
        Item("Money", "Budgeting", due_on="2027-01-31"),
        Item("Money", "Grant", status="done", changed_at=1500),
    ]
    text = shown(items, SEEN, lang)
    for part in words:
        assert part in text, (lang, part, text)


def test_pack_fills_messages_without_splitting_a_piece() -> None:
    """Pieces join with a blank line while they fit the budget; one too big for the rest of
    a message starts the next; none is ever cut."""
    pieces: list[Text] = ["a" * 40, "b" * 40, "c" * 40, "d" * 90]
    packed = pack(pieces, len, 100)
    assert [render(t, "en", ZONE) for t in packed] == [
        "a" * 40 + "\n\n" + "b" * 40,
        "c" * 40,
        "d" * 90,
    ]
    assert pack([], len, 100) == []


def test_a_long_plan_goes_in_several_messages_each_fitting_a_phone() -> None:
    """Forty actions at the longest a part may be: every message stays within the budget in
    every reading, and every action is shown once."""
    items = [
        Item(f"Priority {n // 4} " + "p" * 100, f"Action {n:02} " + "w" * 280, "r" * 80,
             "2027-01-31", "in_progress", 500, 1500 if n % 3 else 500)
        for n in range(40)
    ]  # fmt: skip
    for lang in ("en", "cy", "en@easyread", "cy@easyread"):
        measure = functools.partial(_length, lang=lang)
        texts = pack(parts(items, SEEN), measure, MESSAGE_BUDGET)
        rendered = [render(t, lang, ZONE) for t in texts]
        assert len(rendered) > 1
        assert all(len(words) <= MESSAGE_BUDGET for words in rendered), lang
        everything = "\n".join(rendered)
        assert all(everything.count(f"Action {n:02} ") == 1 for n in range(40))
