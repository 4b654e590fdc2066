"""Two bots on one PostgreSQL database behind webhooks, the emulator posting each update to
the other bot in turn: a worker's /newmeeting goes from one bot to the other at every step,
and is carried on to the end (its state is in the database, not in either bot's memory)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import ExitStack
from pathlib import Path

import aiohttp
import pytest

from bot.emulator import Emulator, SimUser
from tests.conftest import TOKEN
from tests.e2e.test_instances import KEY, REPO, RUN_BOT, SECRET, _kill, free_port
from tests.postgres import PostgresServer

pytestmark = pytest.mark.timeout(120)

RUNNING = "running"


async def _until_running(log: Path, proc: subprocess.Popen[bytes]) -> None:
    began = time.monotonic()
    while RUNNING not in log.read_text(errors="replace"):
        assert proc.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() - began < 60, log.read_text(errors="replace")
        await asyncio.sleep(0.05)


@pytest.fixture
async def two_bots(
    tmp_path: Path, postgres_server: PostgresServer
) -> AsyncIterator[tuple[Emulator, SimUser, list[Path]]]:
    """Bots "a" and "b" running on one database, each update posted to one of them in turn;
    the worker Wren (a simulated person made before they start)."""
    emulator = Emulator(token=TOKEN, rate_limits=False, webhook_backoff=(0.05, 0.5))
    with ExitStack() as stack, postgres_server.database() as database:
        async with emulator as emu:
            wren = emu.user("Wren")
            ports = {name: free_port() for name in "ab"}
            urls = [f"http://127.0.0.1:{ports[name]}/telegram" for name in "ab"]
            async with aiohttp.ClientSession() as http:
                hook = {"url": urls[0], "secret_token": SECRET}
                async with http.post(f"{emu.base_url}{TOKEN}/setWebhook", json=hook) as answer:
                    assert answer.status == 200
            emu.webhook_backends(urls)
            env = {k: v for k, v in os.environ.items() if not k.startswith("YOUTHVOICE_")}
            env.update(
                YOUTHVOICE_BOT_TOKEN=TOKEN,
                YOUTHVOICE_API_URL=emu.base_url,
                YOUTHVOICE_DATABASE=database,
                YOUTHVOICE_QUIET_HOURS="off",
                YOUTHVOICE_SECRET_KEY=KEY,
                YOUTHVOICE_WEBHOOK_SECRET=SECRET,
                YOUTHVOICE_WORKERS=str(wren.id),
                PTB_TIMEDELTA="true",
                PYTHONPATH=str(REPO),
            )
            logs = []
            try:
                for name in "ab":
                    log = tmp_path / f"{name}.log"
                    with log.open("wb") as out:
                        proc = subprocess.Popen(
                            [*RUN_BOT, "--webhook", "--port", str(ports[name])],
                            env=env,
                            cwd=tmp_path,
                            stdout=out,
                            stderr=out,
                        )
                    stack.callback(_kill, proc)
                    await _until_running(log, proc)
                    logs.append(log)
                yield emu, wren, logs
            finally:
                stack.close()  # both bots killed before the emulator and database go


async def test_a_wizard_goes_between_two_bots_at_every_step(
    two_bots: tuple[Emulator, SimUser, list[Path]],
) -> None:
    emu, wren, _logs = two_bots
    await wren.send("/newmeeting")
    assert "Type its title" in (await wren.next_reply(timeout=20)).text
    await wren.send("Forum night")
    await wren.next_reply(timeout=20)
    await wren.send("tomorrow 6pm")
    await wren.next_reply(timeout=20)
    await wren.tap("Not decided yet", timeout=20)
    _chosen, who = await wren.replies(2, timeout=20)
    assert "Who is it for?" in who.text, wren.transcript()
    await wren.tap("⬅ Back", timeout=20)
    _stripped, where = await wren.replies(2, timeout=20)
    assert where.text.startswith("📍 Where is it?"), wren.transcript()
    await wren.send("Youth centre, Hill Street")
    assert "Who is it for?" in (await wren.next_reply(timeout=20)).text
    await wren.tap("Everyone who joined", timeout=20)
    _chosen, preview = await wren.replies(2, timeout=20)
    assert "Forum night" in preview.text and "Where: Youth centre, Hill Street" in preview.text
    await wren.tap("✅ Send invitations", timeout=20)
    _, done = await wren.replies(2, timeout=20)
    assert done.text.startswith("Meeting 1 saved"), wren.transcript()
    assert "put away" not in wren.transcript()
    # Both bots carried the wizard: each answered about half of its eight updates (the last
    # answer may still be on its way).
    answered = emu.stats.webhook_answered
    assert len(answered) == 2 and min(answered.values()) >= 3, answered
