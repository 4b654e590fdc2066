"""The in-memory record of which message shows each person's current question."""

from __future__ import annotations

from bot.actions.shown import ShownQuestions
from flows.engine import State


def test_the_newest_message_applies_only_to_the_same_question() -> None:
    """A remembered message belongs to one question: once the person has moved on, it no
    longer says anything about their current one."""
    shown = ShownQuestions()
    shown.remember("link-a", "mood", 7, 100.0)
    shown.remember("link-a", "mood", 9, 160.0)  # shown again: the newer copy wins
    assert shown.apply("link-a", State("weekly", "mood")).message_id == 9
    assert shown.apply("link-a", State("weekly", "money")).message_id is None
    assert shown.apply("link-b", State("weekly", "mood", message_id=3)).message_id == 3


def test_memory_is_bounded_oldest_forgotten_first() -> None:
    """At the limit, the person not seen for longest is forgotten (they fall back to what was
    saved), so memory stays flat however many people take part."""
    shown = ShownQuestions(limit=2)
    for n, link in enumerate(["a", "b", "a", "c"]):
        shown.remember(link, "q", n, 100.0 + n)
    assert [(link, message) for link, _, message in shown.items()] == [("a", 2), ("c", 3)]


def test_when_a_question_was_shown_is_known_for_that_question_only() -> None:
    """The time the newest copy was shown answers for the question it shows, nothing else."""
    shown = ShownQuestions()
    shown.remember("link-a", "mood", 7, 100.0)
    shown.remember("link-a", "mood", 9, 160.0)
    assert shown.shown_at("link-a", "mood") == 160.0
    assert shown.shown_at("link-a", "money") is None
    assert shown.shown_at("link-a", None) is None
    assert shown.shown_at("link-b", "mood") is None
