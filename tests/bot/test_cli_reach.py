"""``youthvoice results`` ends with reach: each cohort's response rates oldest to newest,
whether they are falling, and who joined but never answered, small counts hidden; the key is
read only when there is one, and never made."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import keys
from storage.base import Audience, NewCheckin
from storage.sqlite import SqliteStore
from tests.conftest import clock_start, run

pytestmark = pytest.mark.timeout(30)
SECRET = "3f9c1a7b5e2d8c4f6a0b9e1d7c3a5f2e"
DAY = 86_400.0


def seed(env: dict[str, str]) -> None:
    """North: 20 joined 60 days ago, four weekly check-ins finished by 16, 13, 10, 8 (the
    same people, fewer each time), 4 of them never; South: 6 joined, one check-in by 5."""

    async def go() -> None:
        store = SqliteStore(env["YOUTHVOICE_DATABASE"])
        await store.open()
        try:
            start = clock_start()
            north = await store.add_cohort("North", "NORTH234", "2026-01-01")
            south = await store.add_cohort("South", "SOUTH234", "2026-01-01")
            await store.join_many(list(range(1, 21)), north.id, "en", "2020-01-01")
            await store.join_many(list(range(21, 27)), south.id, "en", "2020-01-01")
            update = 0
            for cohort, days_ago, chats in (
                (north.id, 40, range(1, 17)),
                (north.id, 30, range(1, 14)),
                (north.id, 20, range(1, 11)),
                (north.id, 10, range(1, 9)),
                (south.id, 10, range(21, 26)),
            ):
                opens = start - days_ago * DAY
                new = NewCheckin("weekly", cohort, opens, opens + DAY)
                checkin, _ = await store.open_checkin(
                    new, Audience(cohort_id=cohort), lambda c: {"text": "Hi"}
                )
                assert checkin is not None
                for chat in chats:
                    update += 1
                    link = keys.link(SECRET.encode(), checkin.id, chat)
                    await store.finish_response(
                        link, checkin.id, {"mood": "3"}, "2026-11-01", update, batch=5
                    )
                await store.release_waiting(checkin.id, "2026-11-01")  # as at closing
        finally:
            await store.close()

    asyncio.run(go())


def test_results_show_falling_rates_and_who_never_answered(env: dict[str, str]) -> None:
    """Each cohort's rates oldest to newest, FALLING for three drops in a row, and how its
    people split, with the small counts (and what would give them away) hidden."""
    seed(env)
    result = run({**env, "YOUTHVOICE_SECRET_KEY": SECRET}, "results")
    assert result.exit_code == 0, result.output
    reach = result.output.split("\n\n")[1].splitlines()
    assert reach[0] == "Who we are hearing from (response rates oldest to newest):"
    assert reach[1] == (
        "  North: response rates 80%, 65%, 50%, 40% (average 58.8%; FALLING: each of the last 3"
        " lower than the one before)"
    )
    # 16 answered and 4 never: 16 beside the 20 joined would give the 4 away.
    assert reach[2] == (
        "    20 joined. Answered at least once: hidden; joined but never answered: fewer than"
        " 5; not asked yet (joined since the last closed check-in): 0"
    )
    assert reach[3] == "  South: response rates 83.3% (average 83.3%)"
    # 5 answered and 1 never: no split of 6 is safe to show.
    assert reach[4] == "    6 joined (too few to say how many answered)"
    assert 'Counts from 1 to 4 show as "fewer than 5"' in result.output


def test_without_a_key_only_rates_show_and_no_key_is_made(env: dict[str, str]) -> None:
    """Where the bot never ran there is no key: rates only, and no key file is created (a
    new key would not match the marks of the bot's real one)."""
    seed(env)
    result = run(env, "results")
    assert result.exit_code == 0, result.output
    assert "FALLING" in result.output and "joined." not in result.output
    assert "Who never answered shows once the bot has run" in result.output
    assert not keys.key_path(Path(env["YOUTHVOICE_DATABASE"])).exists()


def test_a_key_file_others_can_read_is_refused_in_one_line(env: dict[str, str]) -> None:
    """A key file open to other users is refused as the bot refuses it, with the fix."""
    seed(env)
    path = keys.key_path(Path(env["YOUTHVOICE_DATABASE"]))
    path.write_text(SECRET)
    path.chmod(0o644)
    result = run(env, "results")
    assert result.exit_code == 2
    assert result.output.strip().endswith(f"chmod 600 {path}")
    assert "Traceback" not in result.output


def test_no_checkins_no_reach(env: dict[str, str]) -> None:
    """Nothing asked yet: the list says so, and there is no reach to show."""
    result = run({**env, "YOUTHVOICE_SECRET_KEY": SECRET}, "results")
    assert result.exit_code == 0
    assert result.output.strip() == "No check-ins yet. Open one with: youthvoice checkin SURVEY_ID"


def test_the_board_summary_says_who_we_are_hearing_from(
    env: dict[str, str], tmp_path: Path
) -> None:
    """``export --format md`` (and docx) ends page one with reach, people counts included
    when the key is there; a CSV needs no key, so a key file problem does not stop it."""
    seed(env)
    out = tmp_path / "board.md"
    result = run(
        {**env, "YOUTHVOICE_SECRET_KEY": SECRET}, "export", "4", "--format", "md", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "**Response rates are falling for: North" in text
    assert (
        "| North (falling) | 80%, 65%, 50%, 40% | 58.8% | 20 | hidden | fewer than 5 | 0 |" in text
    )
    assert "| South | 83.3% | 83.3% | 6 | too few to say |  |  |" in text
    path = keys.key_path(Path(env["YOUTHVOICE_DATABASE"]))
    path.write_text(SECRET)
    path.chmod(0o644)
    csv = run(env, "export", "4", "--format", "csv", "--out", str(tmp_path / "r.csv"))
    assert csv.exit_code == 0, csv.output
    refused = run(env, "export", "4", "--format", "md", "--out", str(out))
    assert refused.exit_code == 2 and "chmod 600" in refused.output
