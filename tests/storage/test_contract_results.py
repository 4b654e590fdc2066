"""The storage contract for ``ResultsStore``: answer counts, typed answers, the check-ins that
asked a question, responses per check-in and the rows of a row-level export.

Every backend in ``conftest.BACKENDS`` must pass it; see conftest.py to add one.
"""

from __future__ import annotations

from typing import Any

from storage.base import Store, Totals
from tests.storage.contract import TODAY, K, new_checkin

ANSWERS: list[dict[str, Any]] = [
    {"mood": "3", "help": ["money", "talk"], "anything": "more buses", "safe": "yes"},
    {"mood": "3", "help": ["money"], "anything": "~skip", "safe": "no", "safer": "a lock"},
    {"mood": "~skip", "help": "~skip", "anything": "more buses", "safe": "~pns"},
    {"mood": "5", "help": ["talk", "money", "other"], "anything": "~pns", "safe": "yes"},
]


async def finish_all(store: Store, checkin_id: int, answers: list[dict[str, Any]]) -> None:
    """Everyone finishes, then whatever still waits for a batch is released."""
    for number, given in enumerate(answers):
        link, update_id = f"link-{checkin_id}-{number}", 1000 * checkin_id + number
        assert await store.finish_response(link, checkin_id, given, TODAY, update_id, batch=K)
    await store.release_waiting(checkin_id, TODAY)


async def test_answer_counts_by_question_and_value(store: Store) -> None:
    """Each value is counted per question, the picks of a pick-several answer one by one,
    typed words as one 'answered' value (skipped and prefer not to say apart), and each
    question's base counts everyone who answered it, skipped included."""
    checkin = await new_checkin(store)
    await finish_all(store, checkin.id, ANSWERS)
    counts = await store.answer_counts(checkin.id, typed=["anything", "safer"])
    assert counts == Totals(
        checkin.id,
        4,
        {
            "mood": {"3": 2, "~skip": 1, "5": 1},
            "help": {"money": 3, "talk": 2, "other": 1, "~skip": 1},
            "anything": {"~text": 2, "~skip": 1, "~pns": 1},
            "safe": {"yes": 2, "no": 1, "~pns": 1},
            "safer": {"~text": 1},
        },
        {"mood": 4, "help": 4, "anything": 4, "safe": 4, "safer": 1},
    )


async def test_answer_counts_without_typed_questions_count_words(store: Store) -> None:
    """A question not named as typed is counted value by value, whatever its answers."""
    checkin = await new_checkin(store)
    await finish_all(store, checkin.id, ANSWERS[:2])
    counts = await store.answer_counts(checkin.id)
    assert counts.counts["anything"] == {"more buses": 1, "~skip": 1}


async def test_answer_counts_of_an_empty_or_unknown_checkin(store: Store) -> None:
    """No answers: no responses and no counts."""
    checkin = await new_checkin(store)
    assert await store.answer_counts(checkin.id, ["anything"]) == Totals(checkin.id, 0, {}, {})
    assert await store.answer_counts(checkin.id + 9) == Totals(checkin.id + 9, 0, {}, {})


async def test_counts_keep_checkins_apart(store: Store) -> None:
    """Answers to one check-in never count in another's results."""
    first = await new_checkin(store)
    second = await new_checkin(store)
    await finish_all(store, first.id, ANSWERS)
    await finish_all(store, second.id, ANSWERS[:1])
    assert (await store.answer_counts(second.id)).counts["mood"] == {"3": 1}
    assert await store.response_counts() == {first.id: 4, second.id: 1}


async def test_typed_answers(store: Store) -> None:
    """The words typed to the named questions, skipped and prefer not to say left out; every
    question asked for has a list."""
    checkin = await new_checkin(store)
    await finish_all(store, checkin.id, ANSWERS)
    said = await store.typed_answers(checkin.id, ["anything", "safer", "nothing"])
    assert sorted(said["anything"]) == ["more buses", "more buses"]
    assert said["safer"] == ["a lock"]
    assert said["nothing"] == []
    assert await store.typed_answers(checkin.id, []) == {}


async def test_responses_are_whole_answers_and_nothing_else(store: Store) -> None:
    """Each finished response comes back whole (question id to answer), with no id or date."""
    checkin = await new_checkin(store)
    await finish_all(store, checkin.id, ANSWERS)
    rows = await store.responses(checkin.id)
    key = lambda row: repr(sorted(row.items()))  # noqa: E731
    assert sorted(rows, key=key) == sorted(ANSWERS, key=key)
    assert await store.responses(checkin.id + 1) == []
