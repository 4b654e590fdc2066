"""``youthvoice ideas``: the list (new first, contact details out), approve, merge and set aside,
each in the audit log; a bad code or a decision that cannot be made is one line and exit 1,
and changes nothing."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from bot.settings import Settings
from storage.base import IdeaStatus
from storage.sqlite import SqliteStore
from tests.conftest import clock_start, run
from tests.database import db_rows

pytestmark = pytest.mark.timeout(60)

TEXTS = ["Cheaper bus passes, email me at sam@example.org", "bus passes cost too much", "rude"]


def seed(env: dict[str, str]) -> list[str]:
    """Three new ideas; their codes, in the order of ``TEXTS``."""

    async def work() -> list[str]:
        store = SqliteStore(env["YOUTHVOICE_DATABASE"])
        await store.open()
        codes = [await store.add_idea(t, "2026-12-01", 100 + n) for n, t in enumerate(TEXTS)]
        await store.close()
        return [c for c in codes if c is not None]

    return asyncio.run(work())


def status(env: dict[str, str], code: str) -> tuple[str, ...]:
    rows = db_rows(
        env["YOUTHVOICE_DATABASE"], "SELECT status, backers FROM ideas WHERE id = ?", code
    )
    return rows[0]


def test_a_worker_lists_and_decides_on_ideas(env: dict[str, str]) -> None:
    cheaper, same, rude = seed(env)
    listed = run(env, "ideas", "list")
    assert listed.exit_code == 0, listed.output
    assert "Cheaper bus passes, email me at [email removed]" in listed.output
    assert "sam@example.org" not in listed.output
    assert "3 new: youthvoice ideas approve ID" in listed.output

    approved = run(env, "ideas", "approve", cheaper.upper())  # codes are read in any case
    assert approved.output == f"Idea {cheaper} approved: young people see it in /ideas.\n"
    merged = run(env, "ideas", "merge", same, cheaper)
    assert merged.output == f"Idea {same} merged into {cheaper}, which now counts it too.\n"
    aside = run(env, "ideas", "set-aside", rude, "--why", "  Not  kind ")
    assert aside.output == f"Idea {rude} set aside (Not kind); young people never see it.\n"
    assert status(env, cheaper) == ("approved", 2)
    assert status(env, same) == ("merged", 0)
    assert status(env, rude) == ("set_aside", 1)

    listed = run(env, "ideas", "list", "--status", "approved")
    today = datetime.fromtimestamp(clock_start(), Settings(_env_file=None).zone).date()  # type: ignore[call-arg]
    assert f"{cheaper}  approved on {today}, counts 2 ideas" in listed.output
    assert same not in listed.output and "new:" not in listed.output
    audit = run(env, "audit").output
    for line in (
        f"approved an idea: idea {cheaper}",
        f"merged an idea: idea {same} into {cheaper}",
        f"set aside an idea: idea {rude}: Not kind",
        "read ideas: 3 listed",
    ):
        assert line in audit, audit


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["approve", "zzzzzz"], "no idea with the code 'zzzzzz'; see: youthvoice ideas list"),
        (["merge", "{0}", "{0}"], "idea {0}: an idea cannot be merged into itself"),
        (["merge", "{0}", "zzzzzz"], "INTO: idea {0}: there is no idea with that code"),
        (["set-aside", "{0}", "--why", "   "], "--why: say why it is set aside"),
        (["set-aside", "{0}", "--why", "x" * 201], "--why: keep the reason to 200 characters"),
    ],
)
def test_a_decision_that_cannot_be_made_is_one_line(
    env: dict[str, str], args: list[str], line: str
) -> None:
    code = seed(env)[0]
    result = run(env, "ideas", *[a.format(code) for a in args])
    assert result.exit_code == 1
    assert result.output.startswith("youthvoice: " + line.format(code)), result.output
    assert result.output.count("\n") == 1
    assert status(env, code) == (IdeaStatus.NEW.value, 1)


def test_a_decided_idea_cannot_be_decided_the_same_way_twice(env: dict[str, str]) -> None:
    cheaper, same, _ = seed(env)
    assert run(env, "ideas", "approve", cheaper).exit_code == 0
    again = run(env, "ideas", "approve", cheaper)
    assert (again.exit_code, again.output) == (
        1,
        f"youthvoice: idea {cheaper}: it is approved already\n",
    )
    assert run(env, "ideas", "merge", same, cheaper).exit_code == 0
    late = run(env, "ideas", "approve", same)
    assert "it was merged into another idea already" in late.output


def test_no_ideas_yet(env: dict[str, str]) -> None:
    result = run(env, "ideas", "list")
    assert result.output == "No ideas yet. Young people send them in Telegram with /idea.\n"
