"""``youthvoice results``: the list of check-ins, one check-in's results and a trend, with
small numbers hidden, unknown ids refused in one line, and every view in the audit log."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from storage.base import Audience, NewCheckin
from storage.sqlite import SqliteStore
from tests.conftest import clock_start, run

pytestmark = pytest.mark.timeout(30)

# 12 responses to the weekly check-in: "No" to feeling safe only twice (a small group).
RESPONSES: list[dict[str, Any]] = [
    {
        "mood": "4" if n < 7 else "2",
        "safe_home": "no" if n < 2 else "yes",
        **({"safer": "a lock on my door"} if n < 2 else {}),
        "money": "tight" if n < 9 else "ok",
        "someone": "yes",
        "help": ["money", "talk"] if n < 6 else ["money"],
        "anything": f"ring me on 07700 900{n:03d}" if n < 6 else "~skip",
    }
    for n in range(12)
]


def answered_checkin(
    env: dict[str, str],
    hours_ago: float,
    responses: list[dict[str, Any]],
    closes_in_hours: float | None = -1,
) -> None:
    """A weekly check-in opened ``hours_ago`` (before the test clock starts) and closed an
    hour before it (or closing ``closes_in_hours`` after it; ``None``: no end), with finished
    responses written straight to the database (as the bot would)."""

    async def go() -> None:
        store = SqliteStore(env["YOUTHVOICE_DATABASE"])
        await store.open()
        try:
            start = clock_start()
            closes = None if closes_in_hours is None else start + closes_in_hours * 3600
            new = NewCheckin("weekly", None, start - hours_ago * 3600, closes)
            checkin, _ = await store.open_checkin(new, Audience(), lambda c: {"text": "Hi"})
            assert checkin is not None
            checkin_id = checkin.id
            for n, given in enumerate(responses):
                link = f"link-{checkin_id}-{n}"
                await store.finish_response(
                    link, checkin_id, given, "2026-11-23", 100 * checkin_id + n, batch=5
                )
            await store.release_waiting(checkin_id, "2026-11-23")  # the last batch, as at closing
        finally:
            await store.close()

    asyncio.run(go())


@pytest.fixture
def two_checkins(env: dict[str, str]) -> dict[str, str]:
    """Check-in 1 with 12 responses, check-in 2 with 3."""
    answered_checkin(env, 48, RESPONSES)
    answered_checkin(env, 24, RESPONSES[:3])
    return env


def test_the_list_hides_small_numbers(two_checkins: dict[str, str]) -> None:
    """Every check-in, newest first, with invited and finished; 3 finished is 'fewer than 5'."""
    result = run(two_checkins, "results")
    assert result.exit_code == 0, result.output
    lines = result.output.split("\n\n")[0].splitlines()  # then who we are hearing from
    assert [line.split()[0] for line in lines] == ["2", "1"]
    assert "finished fewer than 5" in lines[0] and " 3" not in lines[0].split(";")[1]
    assert "finished 12" in lines[1] and "invited 0" in lines[1]


def test_one_checkin_reads_plainly(two_checkins: dict[str, str]) -> None:
    """The summary gives the responses, each question's counts and percentages, findings, small
    counts as 'fewer than 5', a follow-up to a small group hidden whole, and free text
    without phone numbers."""
    result = run(two_checkins, "results", "1")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Check-in 1: How are things?" in text and "Finished 12." in text
    assert "Main findings:" in text
    assert "10 in 10" not in text and 'All of you said "Yes" to "Do you have someone' in text
    assert "   No                               fewer than 5" in text
    assert "hidden: it follows an answer given by fewer than 5" in text
    assert "a lock on my door" not in text
    assert "07700" not in text and text.count('"ring me on [phone number removed]"') == 6
    assert "🙂 Good                           7  58.3%" in text


def test_too_few_finished_shows_nothing(two_checkins: dict[str, str]) -> None:
    result = run(two_checkins, "results", "2")
    assert result.exit_code == 0
    assert "Finished fewer than 5." in result.output
    assert "Results show once at least 5 have finished." in result.output
    assert "How are you feeling" not in result.output


def test_trend_shows_each_checkin_hidden_as_its_own(two_checkins: dict[str, str]) -> None:
    result = run(two_checkins, "results", "--trend", "mood")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Question 'mood' across 2 closed check-ins (oldest first):"
    assert "asked 12: 😞 Really bad 0; 🙁 Not great 5; 😐 OK 0; 🙂 Good 7" in lines[1]
    assert lines[2].endswith("): hidden")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("results", "9"), "youthvoice: no check-in 9; see: youthvoice results\n"),
        (
            ("results", "--trend", "nope"),
            "youthvoice: no closed check-in asked a question 'nope'\n",
        ),
    ],
)
def test_unknown_ids_are_one_line(
    two_checkins: dict[str, str], args: tuple[str, ...], line: str
) -> None:
    result = run(two_checkins, *args)
    assert result.exit_code == 1
    assert result.output == line


def test_views_are_audited(two_checkins: dict[str, str]) -> None:
    """Viewing results and a trend are staff actions in the audit log; the list is not."""
    run(two_checkins, "results")
    run(two_checkins, "results", "1")
    run(two_checkins, "results", "--trend", "mood")
    lines = run(two_checkins, "audit").output.splitlines()
    assert [line.split("  ")[1:] for line in lines[:2]] == [
        ["command line", "viewed a trend: question mood"],
        ["command line", "viewed results: check-in 1"],
    ]


def test_no_checkins_yet(env: dict[str, str]) -> None:
    result = run(env, "results")
    assert result.exit_code == 0
    assert result.output == "No check-ins yet. Open one with: youthvoice checkin SURVEY_ID\n"


def test_a_checkin_and_a_trend_at_once_is_a_usage_error(env: dict[str, str]) -> None:
    result = run(env, "results", "1", "--trend", "mood")
    assert result.exit_code == 2
    assert "give a check-in or --trend QUESTION, not both" in result.output


@pytest.fixture
def open_checkin(env: dict[str, str]) -> dict[str, str]:
    """Check-in 1 closed with 12 responses; check-in 2 open (closes in two days) with 12 too."""
    answered_checkin(env, 48, RESPONSES)
    answered_checkin(env, 24, RESPONSES, closes_in_hours=48)
    return env


def test_open_checkin_results_wait_until_it_closes(open_checkin: dict[str, str]) -> None:
    """Regression: answers are stored as each person finishes, so an open check-in's results
    at 5 and then 6 would show exactly the sixth person's answers. Until it closes it shows
    no question, no free text and no finding, only when its results will show."""
    text = run(open_checkin, "results", "2").output
    assert "Results show when the check-in closes on " in text
    assert "and at least 5 have finished." in text and "Finished at least 10." in text
    assert "How are you feeling" not in text and "Main findings" not in text
    assert "phone number removed" not in text
    assert "How are you feeling" in run(open_checkin, "results", "1").output


def test_open_checkin_finished_count_moves_in_steps_of_k(open_checkin: dict[str, str]) -> None:
    """Regression: the list showed an open check-in's exact finished count, so staff could
    watch it go up one person at a time. Open: "at least 10" for 12, no rate; closed: exact."""
    lines = run(open_checkin, "results").output.splitlines()
    assert "finished at least 10;" in lines[0] and "finished 12" not in lines[0]
    assert "finished 12;" in lines[1]


def test_trend_leaves_out_open_checkins(open_checkin: dict[str, str]) -> None:
    lines = run(open_checkin, "results", "--trend", "mood").output.splitlines()
    assert lines[0] == "Question 'mood' across 1 closed check-in (oldest first):"
    assert len(lines) == 2


def test_trend_lists_a_hidden_follow_up_without_saying_anyone_answered(
    env: dict[str, str],
) -> None:
    """Regression: --trend chose check-ins by which had answers to the question, so a
    follow-up listed for a check-in with hidden results told that someone in that small group
    was asked it. Now every closed check-in of a survey with the question is listed, the
    same whether anyone answered or not."""
    nobody_unsafe = [{**r, "safe_home": "yes"} for r in RESPONSES[:3] if "safer" not in r]
    answered_checkin(env, 72, RESPONSES)
    answered_checkin(env, 48, RESPONSES[:3])  # two of them answered "safer"
    answered_checkin(env, 24, nobody_unsafe[:1] + RESPONSES[2:4])  # nobody did
    lines = run(env, "results", "--trend", "safer").output.splitlines()
    assert lines[0] == "Question 'safer' across 3 closed check-ins (oldest first):"
    assert lines[2].split(": ", 1)[1] == lines[3].split(": ", 1)[1] == "hidden"
