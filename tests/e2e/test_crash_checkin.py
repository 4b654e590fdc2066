"""The real ``youthvoice run`` process, killed with SIGKILL in the middle of someone's weekly
check-in and started again on the same database and key, resumes at the same question: the
button still on screen works, /checkin shows where they were, and the finished response holds
each answer once, under one response id, with no progress left behind.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.actions.notices import invitation
from bot.emulator import Emulator, SimUser
from flows.messages import say
from storage.base import Audience, NewCheckin
from tests.conftest import (
    TOKEN,
    clock_start,
    finish_weekly,
    last_update_id,
    make_settings,
    start_invited,
)
from tests.database import db_rows, store_at
from tests.e2e.test_crash_restart import Setup, bot_process, exited, logs

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(60), pytest.mark.both_databases]

STARTUP = 20.0  # seconds a freshly started bot process may take to answer its first update
MONEY_Q = "3 of 6\n\nHow is money for you right now?"
SOMEONE_Q = "4 of 6\n\nDo you have someone you can talk to?"
LAST_WORDS = "Nothing else, thanks"
EXPECTED: dict[str, object] = {
    "mood": "3",
    "safe_home": "yes",
    "money": "ok",
    "someone": "yes",
    "help": ["money"],
    "anything": LAST_WORDS,
}


@pytest.fixture
async def setup(tmp_path: Path, database_settings: dict[str, Any]) -> AsyncIterator[Setup]:
    """The emulator and an empty database (a SQLite file in the test's folder, or a fresh
    PostgreSQL database); the bot process is started by each test."""
    database = make_settings(tmp_path, **database_settings).database
    async with Emulator(token=TOKEN, rate_limits=False) as emu:
        yield Setup(emu, database, [], tmp_path)


@contextmanager
def explained(setup: Setup) -> Iterator[None]:
    """A failed wait or check also shows the bot processes' logs."""
    try:
        yield
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{logs(setup)}") from None


async def joined_and_invited(setup: Setup) -> SimUser:
    """Sam presses Start and joins (the running bot handles it); a weekly check-in is opened
    through the store on the same database, as ``youthvoice checkin`` would; Sam taps Start and
    answers the first two questions, and the third (money) arrives."""
    sam = setup.emu.user("Sam")
    setup.people.append(sam)
    await sam.send("/start")
    welcome = await sam.next_reply(timeout=STARTUP)
    assert "Do you want to join?" in (welcome.text or ""), sam.transcript()
    await sam.tap("Yes, I'm in")
    await sam.replies(2)  # the keyboard removed, then "You're in"
    async with store_at(setup.database) as store:
        checkin, queued = await store.open_checkin(
            NewCheckin("weekly", None, clock_start()),
            Audience(),
            lambda c: invitation(c.id, "How are things?"),
        )
        assert checkin is not None and queued == 1
    first = await start_invited(sam)
    assert first.text.endswith("How are you feeling this week?"), sam.transcript()
    for label in ["😐 OK", "Yes"]:
        await sam.tap(label)
        await sam.replies(2)  # the answered question edited, then the next one
    assert sam.messages()[-1].text == MONEY_Q, sam.transcript()
    return sam


async def kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    assert await exited(proc) == -signal.SIGKILL


async def assert_stored_once(setup: Setup) -> None:
    """One finished response waits for its batch; released, it holds exactly the answers
    given, each once, under one response id; no progress left."""
    assert db_rows(setup.database, "SELECT count(*) FROM waiting") == [(1,)]
    async with store_at(setup.database) as store:
        (checkin,) = await store.checkins()
        assert await store.release_waiting(checkin.id, "2026-11-23") == 1
    rows = db_rows(setup.database, "SELECT response_id, question_id, value FROM answers")
    assert len({response_id for response_id, _, _ in rows}) == 1, rows
    assert Counter(question for _, question, _ in rows) == Counter(EXPECTED.keys()), rows
    assert {question: json.loads(value) for _, question, value in rows} == EXPECTED
    assert db_rows(setup.database, "SELECT count(*) FROM progress") == [(0,)]


async def test_killed_mid_checkin_resumes_at_the_same_question(setup: Setup) -> None:
    """SIGKILL on the third question, start again: its button still works, /checkin re-shows
    the question they are on, and the finished response is exactly what was answered."""
    with explained(setup):
        with bot_process(setup, "first") as first:
            sam = await joined_and_invited(setup)
            await kill(first)

        with bot_process(setup, "second"):
            # (a) The third question's button, still on screen, carries on to the fourth.
            await sam.tap("I'm OK")
            confirmed, following = await sam.replies(2, timeout=STARTUP)
            assert confirmed.text == MONEY_Q + "\n\n✔ I'm OK", sam.transcript()
            assert following.text == SOMEONE_Q, sam.transcript()
            # (b) /checkin says welcome back and shows that fourth question again.
            await sam.send("/checkin")
            back, older, again = await sam.replies(3)
            assert older.edited and older.buttons == [], sam.transcript()
            assert back.text == say("welcome_back_survey", "en"), sam.transcript()
            assert again.text == SOMEONE_Q, sam.transcript()
            assert again.button_texts == ["Yes", "No", "Prefer not to say"], sam.transcript()
            await finish_weekly(sam, LAST_WORDS, answered=3)

    await assert_stored_once(setup)


@pytest.mark.parametrize("moment", ["at once", "once stored", "after the edit"])
async def test_killed_right_after_a_tap_loses_nothing_and_repeats_nothing(
    setup: Setup, moment: str
) -> None:
    """SIGKILL just after the money answer is tapped (before the bot saw it, once it is stored,
    or between its two replies): after a restart /checkin shows that question or the next,
    never an earlier one, and the finished response has each answer exactly once."""
    with explained(setup):
        with bot_process(setup, "first") as first:
            sam = await joined_and_invited(setup)
            await sam.tap("I'm OK")
            if moment == "once stored":
                tap = last_update_id(setup.emu)
                deadline = time.monotonic() + 10
                stored = "SELECT 1 FROM handled_updates WHERE update_id = ?"
                while not db_rows(setup.database, stored, tap):
                    assert first.poll() is None, "the bot exited before storing the tap"
                    assert time.monotonic() < deadline, "the tap was never stored"
                    await asyncio.sleep(0.002)
            elif moment == "after the edit":
                confirmed = await sam.next_reply()
                assert confirmed.text == MONEY_Q + "\n\n✔ I'm OK", sam.transcript()
            await kill(first)

        with bot_process(setup, "second"):
            await sam.send("/checkin")
            # Unread replies to the tap (sent before the kill or after the restart) come first.
            skipped: list[str] = []
            while (shown := await sam.next_reply(timeout=STARTUP)).text != say(
                "welcome_back_survey", "en"
            ):
                skipped.append(shown.text)
            assert set(skipped) <= {MONEY_Q + "\n\n✔ I'm OK", SOMEONE_Q}, sam.transcript()
            # The older copy loses its buttons, if the bot lived to remember which it was.
            while (current := await sam.next_reply()).edited:
                pass
            resumed_at = current.text.partition("\n")[0]
            print(f"\nkilled {moment}: {len(skipped)} unread replies to the tap, then {resumed_at}")
            assert current.text in (MONEY_Q, SOMEONE_Q), sam.transcript()
            if current.text == MONEY_Q:
                await sam.tap("I'm OK")
                confirmed, following = await sam.replies(2)
                assert following.text == SOMEONE_Q, sam.transcript()
            await finish_weekly(sam, LAST_WORDS, answered=3)

    await assert_stored_once(setup)
