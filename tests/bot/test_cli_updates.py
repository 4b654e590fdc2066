"""``youthvoice update``: the preview says who and when, bad input is one line with exit 1,
the list hides small feedback counts, notes show only once there are enough, and posting is
audit-logged."""

from __future__ import annotations

import asyncio

import pytest

from storage.base import Audience, NewCheckin
from storage.sqlite import SqliteStore
from tests.conftest import clock_start, run

DAY = 86400.0
NOW = clock_start()


def setup(env: dict[str, str], joined: int = 7) -> None:
    """Cohort North with ``joined`` people and one more in no cohort; check-in 1 for North
    closed yesterday; check-in 2 for everyone is open."""

    async def work() -> None:
        store = SqliteStore(env["YOUTHVOICE_DATABASE"])
        await store.open()
        north = await store.add_cohort("North", "NORTH123", "2026-11-01")
        for chat in range(1, joined + 2):
            await store.join(chat, north.id if chat <= joined else None, "en", "x", chat)
        for new in (
            NewCheckin("weekly", north.id, NOW - 8 * DAY, NOW - DAY),
            NewCheckin("weekly", None, NOW - DAY, NOW + DAY),
        ):
            await store.open_checkin(new, Audience(cohort_id=new.cohort_id), lambda c: {"t": 1})
        await store.close()

    asyncio.run(work())


ADD = ["update", "add", "--checkin", "1", "--we-did", "We asked for a bigger grant"]


def test_the_preview_says_who_and_when_and_a_dry_run_sends_nothing(env: dict[str, str]) -> None:
    setup(env)
    result = run(env, *ADD, "--you-said", "Money is tight", "--status", "done", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "It goes to 7 people (everyone check-in 1 was for, whether they answered or not)" in (
        result.output
    )
    assert "within a few seconds" in result.output and "Dry run" in result.output
    assert "No updates yet" in run(env, "update", "list").output


def test_the_preview_waits_for_quiet_hours(env: dict[str, str]) -> None:
    setup(env)
    env = {**env, "YOUTHVOICE_QUIET_HOURS": "00:00-23:59"}
    result = run(env, *ADD, "--you-said", "Money", "--status", "done", "--dry-run")
    assert "when quiet hours end" in result.output, result.output


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--checkin", "9", "--status", "done"], "--checkin: no check-in 9; see: youthvoice"),
        (["--checkin", "2", "--status", "done"], "--checkin: check-in 2 is still open"),
        (["--checkin", "1", "--status", "planned"], "--by: a planned update needs the date"),
        (["--checkin", "1", "--status", "couldnt"], "--why: say why"),
        (["--checkin", "1", "--status", "planned", "--by", "2001-01-01"], "already passed"),
        (["--status", "done", "--you-said", " "], "--you-said: what young people said is empty"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(env: dict[str, str], args: list[str], line: str) -> None:
    setup(env)
    result = run(env, "update", "add", "--we-did", "x", *args)
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and line in result.output, result.output


def test_list_hides_small_counts_and_posting_is_audited(env: dict[str, str]) -> None:
    setup(env, joined=12)
    result = run(env, *ADD, "--you-said", "Money is tight", "--status", "done", "--yes")
    assert result.exit_code == 0 and "Update 1 posted: 12 messages queued" in result.output

    async def press() -> None:
        store = SqliteStore(env["YOUTHVOICE_DATABASE"])
        await store.open()
        for n in range(9):
            await store.move_feedback(1, "helps" if n < 7 else "not_enough", None, 500 + n, NOW)
        await store.close()

    asyncio.run(press())
    listed = run(env, "update", "list").output
    assert "Sent to 12; that helps 7, not enough fewer than 5; notes 0" in listed, listed
    assert "You said: Money is tight" in listed and "Status: done" in listed
    audit = run(env, "audit").output
    assert "command line  posted an update: update 1 on check-ins 1 (done), 12 sent" in audit


def test_notes_show_only_once_there_are_enough_and_are_redacted(env: dict[str, str]) -> None:
    setup(env)
    assert run(env, *ADD, "--you-said", "Money", "--status", "done", "--yes").exit_code == 0

    async def write(count: int, first: int) -> None:
        store = SqliteStore(env["YOUTHVOICE_DATABASE"])
        await store.open()
        for n in range(count):
            text = f"note {n}, call me on 07700 900123"
            await store.save_note(f"l{n}", 1, text, "x", first + n)
        await store.close()

    asyncio.run(write(4, 700))
    assert "Fewer than 5 notes" in run(env, "update", "notes", "1").output
    asyncio.run(write(5, 800))
    shown = run(env, "update", "notes", "1").output
    assert shown.count("- note ") == 9 and "07700" not in shown, shown
