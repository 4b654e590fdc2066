"""The "you said, we did" use cases without Telegram: a request read and refused with a fix,
the suggested "you said", feedback counts hidden like every other count (checked over random
data), and feedback presses counted once, moved, undone and never double-counted."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.actions import feedback, update_views, updates
from bot.actions.button_data import Feedback
from bot.actions.errors import ActionError
from bot.actions.updates import UpdateRequest
from bot.services import Services
from flows.survey import load_surveys
from storage.base import Audience, NewCheckin
from storage.sqlite import SqliteStore
from tests.conftest import clock_start, make_settings

NOW = clock_start()
DAY = 86400.0
SURVEYS = load_surveys()


@pytest.fixture
async def svc(tmp_path: Path) -> AsyncIterator[Services]:
    """Services on an in-memory store: cohort North holds chats 1-3, chat 4 is in none; check-in
    1 (North) closed yesterday with 15 answers, check-in 2 is open."""
    store = SqliteStore(":memory:")
    await store.open()
    north = await store.add_cohort("North", "NORTH123", "2026-11-01")
    for chat in (1, 2, 3, 4):
        await store.join(chat, north.id if chat < 4 else None, "en", "2026-11-01", chat)
    closed, _ = await store.open_checkin(
        NewCheckin("weekly", north.id, NOW - 8 * DAY, NOW - DAY), Audience(cohort_id=north.id),
        lambda c: {"text": "hi"},
    )  # fmt: skip
    assert closed is not None
    await store.open_checkin(NewCheckin("weekly", None, NOW - DAY, NOW + DAY), Audience(),
                             lambda c: {"text": "hi"})  # fmt: skip
    for n in range(15):
        answers = {"money": "tight" if n < 10 else "ok", "mood": "3" if n < 8 else "4"}
        await store.finish_response(f"l{n}", closed.id, answers, "2026-11-20", 10**9 + n, batch=5)
    settings = make_settings(tmp_path)
    yield Services(settings, store, SURVEYS, b"k" * 32, clock=lambda: NOW)
    await store.close()


def request(**given: object) -> UpdateRequest:
    values: dict[str, object] = {"checkin_ids": (1,), "we_did": "We asked", "status": "done"}
    values.update(given)
    return UpdateRequest(**values)  # type: ignore[arg-type]


async def plan(svc: Services, **given: object) -> updates.UpdatePlan:
    return await updates.plan_update(svc.store, svc.settings, SURVEYS, request(**given), NOW)


@pytest.mark.parametrize(
    ("given", "field", "words"),
    [
        ({"checkin_ids": (9,)}, "checkins", "no check-in 9"),
        ({"checkin_ids": (2,)}, "checkins", "still open"),
        ({"status": "planned"}, "by", "needs the date"),
        ({"status": "planned", "by": "2020-01-01"}, "by", "already passed"),
        ({"status": "planned", "by": "soon"}, "by", "YYYY-MM-DD"),
        ({"status": "done", "by": "2099-01-01"}, "by", "only for --status planned"),
        ({"status": "couldnt"}, "why", "say why"),
        ({"status": "couldnt", "why": "  "}, "why", "say why"),
        ({"status": "done", "why": "money"}, "why", "only for --status couldnt"),
        ({"status": "maybe"}, "status", "not a status"),
        ({"we_did": " "}, "we_did", "empty"),
        ({"you_said": ""}, "you_said", "empty"),
        ({"checkin_ids": (), "you_said": None}, "you_said", "no check-in"),
        ({"cohort": "North"}, "cohort", "leave --cohort out"),
        ({"checkin_ids": (), "you_said": "x", "cohort": "South"}, "cohort", "no cohort"),
        ({"we_did": "x" * 4000, "you_said": "y"}, "we_did", "at most 4096"),
    ],
)
async def test_a_bad_request_is_refused_naming_the_field(
    svc: Services, given: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(ActionError, match=words) as refused:
        await plan(svc, **given)
    assert refused.value.field == field


async def test_a_plan_suggests_you_said_and_counts_everyone_the_checkin_was_for(
    svc: Services,
) -> None:
    found = await plan(svc, checkin_ids=(1, 1), status="planned", by="2099-12-31")
    assert found.suggested and found.new.you_said.startswith('7 in 10 of you said "It\'s tight"')
    assert found.reach == 3 and found.new.checkin_ids == (1,) and found.new.due_on == "2099-12-31"
    theme = await plan(svc, checkin_ids=(), you_said="Weekends are lonely")
    assert not theme.suggested and theme.reach == 4


def could_be(words: str, k: int, top: int) -> set[int]:
    """What a reader can tell of one count from its words alone."""
    if words.isdigit():
        return {int(words)}
    if words == "not shown":
        return set(range(top + 1))
    if words.startswith("fewer than"):
        return set(range(1, min(k - 1, top) + 1))
    return {0, *range(k, top + 1)}  # "hidden": 0, or K or more


def recoverable(shown: dict[str, str], sent_to: int, k: int) -> bool:
    """Whether a reader who sees the words and how many it was sent to (those who did not
    answer are never shown) could pin a hidden count to one value."""
    ranges = {v: could_be(w, k, sent_to) for v, w in shown.items()}
    for value, words in shown.items():
        if words.isdigit():
            continue
        others = [r for v, r in ranges.items() if v != value]
        fits = {x for x in ranges[value] if x + sum(min(r) for r in others) <= sent_to}
        if len(fits) < 2:
            return True
    return False


def test_feedback_counts_hide_small_numbers_and_never_give_one_away() -> None:
    """Over random tables: no shown count is 1 to K-1, and no hidden count can be worked out
    from the shown ones and how many the update was sent to."""
    rng = random.Random(7)
    for _ in range(300):
        k = rng.choice([3, 5])
        sent_to = rng.randint(0, 14)
        helps = rng.randint(0, sent_to)
        counts = {"helps": helps, "not_enough": rng.randint(0, sent_to - helps)}
        shown = update_views.shown_feedback(counts, sent_to, k)
        for value, words in shown.items():
            assert not words.isdigit() or int(words) == 0 or int(words) >= k, (counts, shown)
            assert not words.isdigit() or int(words) == counts[value]
        assert not recoverable(shown, sent_to, k), (counts, sent_to, shown)


async def test_feedback_presses_count_once_move_and_undo(svc: Services) -> None:
    posted = await updates.post(svc.store, await plan(svc, you_said="Money"), "command line", NOW)
    store = svc.store

    async def tap(chat: int, value: str, was: str | None, update_id: int) -> object:
        # Update ids from 100: the joins above took 1 to 4.
        press = Feedback(posted.id, value, was)
        return await feedback.press(svc, chat, press, 100 + update_id)

    first = await tap(1, "helps", None, 1)
    assert isinstance(first, feedback.Redraw) and first.moved
    assert first.buttons[0][0]["data"] == "1f:1:h:h"  # the choice rides in the buttons
    assert await tap(1, "helps", None, 1) is None  # the same update again
    double = await tap(1, "helps", None, 2)  # the old buttons, tapped again
    assert isinstance(double, feedback.Redraw) and not double.moved
    assert await store.feedback_counts(posted.id) == {"helps": 1, "not_enough": 0}
    change = await tap(1, "not_enough", "helps", 3)
    assert isinstance(change, feedback.Redraw)
    assert await store.feedback_counts(posted.id) == {"helps": 0, "not_enough": 1}
    await feedback.undo(svc, 1, change)  # the redraw was refused: back to "helps"
    assert await store.feedback_counts(posted.id) == {"helps": 1, "not_enough": 0}
    # Chat 4 is in no cohort: the update was not for them, so their press counts nothing.
    assert await tap(4, "helps", None, 4) is not None
    assert await store.feedback_counts(posted.id) == {"helps": 1, "not_enough": 0}


@pytest.mark.parametrize(
    ("closes", "first", "words"),
    [
        (NOW - 3 * DAY, NOW, "update 3 days after closing"),
        (NOW - 1 * DAY, NOW, "update 1 day after closing"),
        (NOW - 3600, NOW, "update the day it closed"),
        (NOW - 30 * DAY, None, "no update yet (closed 30 days ago)"),
        (NOW - 3600, None, "no update yet (closed today)"),
        (NOW + DAY, None, "still open"),
        (None, None, "still open"),
    ],
)
def test_the_list_of_checkins_says_whether_and_when_an_update_came(
    closes: float | None, first: float | None, words: str
) -> None:
    assert update_views.answered_words(closes, first, NOW) == words


async def test_a_checkins_updates_as_lines_for_any_staff_view(svc: Services) -> None:
    assert await update_views.checkin_lines(svc.store, svc.settings, 1, NOW) == []
    await updates.post(svc.store, await plan(svc, you_said="Money"), "command line", NOW)
    assert await update_views.checkin_lines(svc.store, svc.settings, 1, NOW) == [
        "Update 1:",
        "  You said: Money",
        "  We did: We asked",
        "  Status: done",
        "  Sent to 3; that helps 0, not enough 0; notes 0",
    ]


async def test_you_said_is_never_suggested_from_an_open_checkin(svc: Services) -> None:
    """Regression: the "you said" suggestion read findings straight from a check-in's
    results, open or not: while open they change as each person finishes. Only closed
    check-ins give suggestions."""
    for n in range(15):
        answers = {"money": "tight", "mood": "3"}
        await svc.store.finish_response(f"o{n}", 2, answers, "2026-11-20", 2 * 10**9 + n, batch=5)
    both = [c for c in [await svc.store.checkin(1), await svc.store.checkin(2)] if c]
    found = await updates.suggestions(svc.store, SURVEYS, 5, both[1:], now=NOW)
    assert found == []
    assert await updates.suggestions(svc.store, SURVEYS, 5, both, now=NOW) != []
