"""Staff roles in Telegram: each role's command menu (per-chat scopes), and staff commands
refused as unknown to anyone without the role, with nothing changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.emulator import Emulator
from bot.telegram.app import COMMANDS
from flows.messages import say
from tests.conftest import TOKEN, Clock, Harness, StaffBot, make_settings, unknown
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

# Everyone's menu is the young people's command list, in its order.
EVERYONE = [name for name, _ in COMMANDS]
WORKER = ["newcheckin", "newmeeting", "checkins", "newideas"]
LEAD_ONLY = ["results", "export", "yousaid", "priorities", "actionplan", "review"]
STAFF_COMMANDS = WORKER + LEAD_ONLY
TABLES = [
    "checkins",
    "schedules",
    "meetings",
    "outbox",
    "audit_log",
    "cohorts",
    "contacts",
    "ideas",
]


def snapshot(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables a staff command could change."""
    return {table: db_rows(database, f"SELECT * FROM {table}") for table in TABLES}


async def test_each_role_sees_its_own_menu(staff_bot: StaffBot) -> None:
    """Young people see only everyone's commands; a worker also the planning ones; a lead
    also results, export and "you said, we did"."""
    emu = staff_bot.yv.emu
    young = await staff_bot.yv.joined("Sam")
    assert emu.menu(young) == EVERYONE
    assert not set(emu.menu(young)) & set(STAFF_COMMANDS)
    assert emu.menu(staff_bot.worker) == EVERYONE + WORKER
    assert emu.menu(staff_bot.lead) == EVERYONE + WORKER + LEAD_ONLY


async def test_help_lists_each_roles_own_commands(staff_bot: StaffBot) -> None:
    """/help gives everyone the support contacts and what the bot does; staff also hear the
    commands of their role (otherwise only in their menu), and young people never do."""
    yv = staff_bot.yv
    sam = await yv.joined("Sam")
    for person, expected in ((staff_bot.worker, WORKER), (staff_bot.lead, STAFF_COMMANDS)):
        await person.send("/help")
        _support, helped = await person.replies(2)
        assert helped.text.startswith("What I can do"), person.transcript()
        listed = helped.text.split("\n\nAs staff you can also use:\n")[1]
        assert [line.split(" - ")[0] for line in listed.splitlines()] == [
            f"/{name}" for name in expected
        ]
    await sam.send("/help")
    await sam.replies(2)
    await sam.send("/mydata")  # one person's updates in order: any staff list came before
    await sam.next_reply()
    assert not any("As staff" in m.text for m in sam.messages()), sam.transcript()


async def test_a_young_person_trying_every_staff_command_changes_nothing(
    staff_bot: StaffBot,
) -> None:
    """Each staff command gets the ordinary reply to a command the bot does not know (the
    "I don't know /x", then the command list; no support contacts)."""
    yv = staff_bot.yv
    await yv.cohort("North forum")
    sam = await yv.joined("Sam")
    before = snapshot(yv.settings.database)
    for command in STAFF_COMMANDS:
        await sam.send(f"/{command}")
        reply = await sam.next_reply()
        assert reply.text == unknown(f"/{command}"), sam.transcript()
        assert reply.buttons == []
    await sam.assert_no_reply()
    assert snapshot(yv.settings.database) == before
    assert not set(yv.emu.menu(sam)) & set(STAFF_COMMANDS)


async def test_a_worker_trying_lead_commands_changes_nothing(staff_bot: StaffBot) -> None:
    yv, wren = staff_bot.yv, staff_bot.worker
    before = snapshot(yv.settings.database)
    for command in LEAD_ONLY:
        await wren.send(f"/{command}")
        assert (await wren.next_reply()).text == unknown(f"/{command}"), wren.transcript()
    await wren.assert_no_reply()
    assert snapshot(yv.settings.database) == before
    assert yv.emu.menu(wren) == EVERYONE + WORKER  # the refusal left the worker's menu alone


async def test_a_forged_wizard_button_from_a_young_person_is_just_expired(
    staff_bot: StaffBot,
) -> None:
    """Wizard button data pressed by someone who is not staff says nothing about staff tools."""
    yv = staff_bot.yv
    sam = await yv.joined("Sam")
    before = snapshot(yv.settings.database)
    await sam.tap_data("1w:checkin:AbCdEf:1:y:0")
    await sam.assert_no_reply()
    assert sam.toasts()[-1] == say("button_expired", "en")
    assert snapshot(yv.settings.database) == before


async def test_a_staff_member_who_never_pressed_start_gets_their_menu_when_they_write(
    tmp_path: Path, database_settings: dict[str, Any]
) -> None:
    """Telegram refuses a chat's menu until the person has started the bot ("chat not
    found"): the bot still starts, and sets the menu the first time they write."""
    clock = Clock()
    async with Emulator(token=TOKEN, rate_limits=False, clock=clock) as emu:
        worker = emu.user("Wren", started=False)
        settings = make_settings(
            tmp_path, api_url=emu.base_url, workers=str(worker.id), **database_settings
        )
        yv = Harness(emu, settings, clock)
        await yv.start()
        try:
            assert emu.menu(worker) == EVERYONE
            await worker.send("/start")
            await worker.next_reply()
            assert emu.menu(worker) == EVERYONE + WORKER
        finally:
            await yv.stop()
