"""The results use cases (bot.actions.results) on a real store: row-level responses for an
explicit export, refusals, and the audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.actions import results
from bot.actions.audit import COMMAND_LINE, staff
from bot.actions.errors import ActionError
from bot.services import Services
from flows.survey import load_surveys
from storage.base import Audience, NewCheckin
from storage.sqlite import SqliteStore
from tests.conftest import Clock, make_settings

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
async def svc(tmp_path: Path) -> AsyncIterator[Services]:
    store = SqliteStore(":memory:")
    await store.open()
    try:
        yield Services(make_settings(tmp_path), store, load_surveys(), b"k" * 32, Clock())
    finally:
        await store.close()


async def weekly(svc: Services, responses: int, closes_in: float | None = -3600) -> int:
    """A weekly check-in opened two days ago and closed an hour ago (or closing ``closes_in``
    from now; ``None``: no end), with ``responses`` finished."""
    closes = None if closes_in is None else svc.now() + closes_in
    new = NewCheckin("weekly", None, svc.now() - 2 * 86_400, closes)
    checkin, _ = await svc.store.open_checkin(new, Audience(), lambda c: {"text": "Hi"})
    assert checkin is not None
    for n in range(responses):
        answers = {
            "mood": str(n % 5 + 1),
            "safe_home": "no" if n == 0 else "yes",
            **({"safer": "email me: sam@example.com"} if n == 0 else {}),
            "money": "tight",
            "someone": "~pns",
            "help": ["money", "talk"],
            "anything": "~skip",
        }
        await svc.store.finish_response(
            f"l{checkin.id}-{n}", checkin.id, answers, "2026-11-23", 10 * checkin.id + n, batch=5
        )
    await svc.store.release_waiting(checkin.id, "2026-11-23")  # the last batch, as at closing
    return checkin.id


async def test_responses_rows(svc: Services) -> None:
    """One row per response, a fresh random id first, answers in words, typed words
    redacted, a question someone was not asked left empty; no Telegram id or time."""
    checkin_id = await weekly(svc, 6)
    table = await results.responses(svc, checkin_id, staff(77))
    assert table.question_ids == (
        "mood",
        "safe_home",
        "safer",
        "money",
        "someone",
        "help",
        "anything",
    )
    assert table.headers[0] == "response" and table.headers[1] == "How are you feeling this week?"
    assert len(table.rows) == 6 and len({row[0] for row in table.rows}) == 6
    by_safe = sorted(table.rows, key=lambda row: row[2])
    assert by_safe[0][2:] == (
        "No",
        "email me: [email removed]",
        "It's tight",
        "Prefer not to say",
        "Help with money; Someone to talk to",
        "Skipped",
    )
    assert all(row[3] == "" for row in by_safe[1:])
    entries = await svc.store.audit_entries(5)
    assert [(e.who, e.action, e.detail) for e in entries] == [
        ("staff 77", "took row-level responses", f"check-in {checkin_id}")
    ]


async def test_responses_refused_below_k(svc: Services) -> None:
    """Row-level responses are refused until K have finished, and nothing is logged."""
    checkin_id = await weekly(svc, 4)
    with pytest.raises(ActionError, match="fewer than 5 responses"):
        await results.responses(svc, checkin_id, COMMAND_LINE)
    assert await svc.store.audit_entries(5) == []


async def test_unknown_checkin(svc: Services) -> None:
    with pytest.raises(ActionError) as caught:
        await results.checkin_results(svc, 99, COMMAND_LINE)
    assert caught.value.unknown and caught.value.field == "checkin"


async def test_results_are_logged_and_hidden(svc: Services) -> None:
    """Viewing results is logged; the one 'No' is hidden as fewer than 5, and 'Yes' with it
    (the base would give it away)."""
    checkin_id = await weekly(svc, 7)
    found = await results.checkin_results(svc, checkin_id, staff(5))
    safe = next(q for q in found.questions if q.question_id == "safe_home")
    assert [c.shown(5) for c in safe.cells] == ["hidden", "fewer than 5", "0"]
    entries = await svc.store.audit_entries(5)
    assert [(e.who, e.action) for e in entries] == [("staff 5", "viewed results")]


@pytest.mark.parametrize("closes_in", [3600.0, None])
async def test_open_checkin_shows_nothing_to_difference(
    svc: Services, closes_in: float | None
) -> None:
    """Regression: an open check-in's results (and row-level responses) came straight from
    answers stored as each person finished, so looking at 5 and again at 6 showed the sixth
    person's answers. Until it closes: no question, no free text, no rows."""
    checkin_id = await weekly(svc, 12, closes_in)
    found = await results.checkin_results(svc, checkin_id, staff(5))
    assert (found.shown, found.open_now, found.questions, found.responses) == (False, True, (), 10)
    with pytest.raises(ActionError, match=r"still open\. Results show"):
        await results.responses(svc, checkin_id, staff(5))
    with pytest.raises(ActionError, match="no closed check-in asked"):
        await results.trend_results(svc, "mood", staff(5))


async def test_trend_takes_every_closed_checkin_of_a_survey_with_the_question(
    svc: Services,
) -> None:
    """Regression: the trend chose check-ins that had answers to the question, so a follow-up
    listed for a hidden check-in told that someone there was asked it. Check-ins come from
    the surveys: one where nobody answered "safer" is listed, hidden like one where one did."""
    answered = await weekly(svc, 3)  # one said "no" to feeling safe and answered "safer"
    nobody = await weekly(svc, 0)
    points = await results.trend_results(svc, "safer", staff(5))
    assert {p.checkin_id: (p.base, p.cells) for p in points} == {
        answered: (None, ()),
        nobody: (None, ()),
    }


async def test_use_cases_can_leave_the_audit_line_to_their_caller(svc: Services) -> None:
    """An export calls these use cases and logs one line itself: with ``log=False`` they
    write none."""
    checkin_id = await weekly(svc, 6)
    await results.checkin_results(svc, checkin_id, staff(5), log=False)
    await results.responses(svc, checkin_id, staff(5), log=False)
    await results.trend_results(svc, "mood", staff(5), log=False)
    assert await svc.store.audit_entries(5) == []
