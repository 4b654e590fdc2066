"""``youthvoice run --webhook`` and ``youthvoice webhook set/delete/info``: one line and exit 2
for a missing or bad setting, and the real process taking updates from the emulator."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.emulator import Emulator
from tests.bot.test_cli_errors import SECRET_KEY, YOUTHVOICE, assert_one_line, closed_port
from tests.conftest import TOKEN, run

pytestmark = pytest.mark.timeout(60)

SECRET = "cli-webhook-secret_0123456789"


@pytest.fixture
def env(env: dict[str, str]) -> dict[str, str]:
    """The usual command settings (tests/conftest.py), with a token and a secret key."""
    return {**env, "YOUTHVOICE_SECRET_KEY": SECRET_KEY, "YOUTHVOICE_BOT_TOKEN": TOKEN}


def test_webhook_mode_needs_the_secret(env: dict[str, str]) -> None:
    """Without YOUTHVOICE_WEBHOOK_SECRET, `run --webhook` and `webhook set` stop at once."""
    line = (
        "youthvoice: YOUTHVOICE_WEBHOOK_SECRET: is not set; webhook mode needs it (16 to 256 "
        "letters, digits, _ or -), for example from: python3 -c 'import secrets; "
        "print(secrets.token_urlsafe(32))'"
    )
    assert_one_line(run(env, "run", "--webhook"), 2, line)
    assert_one_line(run(env, "webhook", "set", "https://bot.example.org/telegram"), 2, line)


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("SECRET", "too-short", "use 16 to 256 letters, digits, _ or - (no other characters)"),
        ("SECRET", "has spaces in it, sixteen+", "use 16 to 256 letters"),
        ("PATH", "telegram", "should be a path such as /telegram (starting with /, no spaces)"),
    ],
)
def test_bad_webhook_settings_are_one_line(
    env: dict[str, str], name: str, value: str, problem: str
) -> None:
    """A secret Telegram would refuse (or one too short to be secret) and a path that is not
    one are refused by name, and the secret is never shown."""
    result = run({**env, f"YOUTHVOICE_WEBHOOK_{name}": value}, "run", "--webhook")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"youthvoice: YOUTHVOICE_WEBHOOK_{name}: {problem}")
    assert value not in result.stderr or name == "PATH"


def test_port_and_host_are_for_webhook_mode(env: dict[str, str]) -> None:
    line = "youthvoice: --port and --host are for --webhook; long polling listens on no port"
    assert_one_line(run(env, "run", "--port", "8443"), 2, line)


@pytest.mark.parametrize("port", ["99999", "-1", "65536"])
@pytest.mark.parametrize("command", [["run", "--webhook"], ["emulator"]])
def test_a_port_out_of_range_is_refused_before_listening(
    env: dict[str, str], command: list[str], port: str
) -> None:
    """A --port no computer has (0 to 65535) is click's usage error (exit 2), not an
    OverflowError from bind()."""
    result = run({**env, "YOUTHVOICE_WEBHOOK_SECRET": SECRET}, *command, "--port", port)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"Invalid value for '--port': {port} is not in the range 0<=x<=65535." in result.stderr
    assert "Traceback" not in result.output


async def test_webhook_set_info_and_delete(env: dict[str, str]) -> None:
    """`webhook set URL` gives Telegram the URL and the secret; `info` shows what Telegram says,
    its last delivery error too; `delete` stops it; a URL Telegram refuses is one line."""
    async with Emulator(token=TOKEN, rate_limits=False, webhook_backoff=(5, 5)) as emu:
        env = {**env, "YOUTHVOICE_API_URL": emu.base_url, "YOUTHVOICE_WEBHOOK_SECRET": SECRET}
        url = f"http://127.0.0.1:{closed_port()}/hooks/yv"
        done = await asyncio.to_thread(run, env, "webhook", "set", url)
        assert done.exit_code == 0, done.output
        assert done.stdout.splitlines() == [
            f"Telegram now sends updates to {url}",
            "Note: the bot takes them at /telegram (YOUTHVOICE_WEBHOOK_PATH); this address ends "
            "in /hooks/yv, so a proxy in front must pass them on.",
            "Run the bot with: youthvoice run --webhook",
        ]
        assert emu.webhook is not None
        assert (emu.webhook.url, emu.webhook.secret_token) == (url, SECRET)
        await emu.user("Sam").send("/start")
        async with asyncio.timeout(10):
            while emu.webhook.last_error_message is None:
                await asyncio.sleep(0.01)
        shown = (await asyncio.to_thread(run, env, "webhook", "info")).stdout.splitlines()
        assert shown[:2] == [f"Webhook: {url}", "Updates waiting at Telegram: 1"]
        assert shown[2].startswith("Last delivery error: ")
        assert shown[2].endswith(" UTC: Connection refused")
        done = await asyncio.to_thread(run, env, "webhook", "delete")
        assert done.stdout == "Webhook deleted. Run the bot with: youthvoice run\n"
        assert emu.webhook is None
        shown = (await asyncio.to_thread(run, env, "webhook", "info")).stdout.splitlines()
        assert shown == ["Webhook: none (the bot polls)", "Updates waiting at Telegram: 1"]
        refused = await asyncio.to_thread(run, env, "webhook", "set", "ftp://example.org/x")
        assert_one_line(
            refused,
            1,
            "youthvoice: Telegram refused the webhook: Bad webhook: an https url must be "
            "provided for webhook",
        )


@contextlib.asynccontextmanager
async def youthvoice(env: dict[str, str], *args: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """The installed `youthvoice ARGS` running; stopped with SIGTERM (killed if it hangs)."""
    process = await asyncio.create_subprocess_exec(
        str(YOUTHVOICE),
        *args,
        env={**env, "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout=20)
            except TimeoutError:
                process.kill()
                await process.wait()


async def healthy(port: int) -> None:
    """Wait (up to 30 s) until /health answers 200."""
    async with asyncio.timeout(30), aiohttp.ClientSession() as http:
        while True:
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"http://127.0.0.1:{port}/health") as answer:
                    if answer.status == 200:
                        return
            await asyncio.sleep(0.1)


async def test_the_real_process_takes_updates_by_webhook_and_stops_on_sigterm(
    env: dict[str, str], tmp_path: Path
) -> None:
    """`youthvoice run --webhook --port N` answers /health, handles what the emulator posts,
    never sets the webhook itself, and exits 0 on SIGTERM; a port in use is one line."""
    port = closed_port()
    async with Emulator(token=TOKEN, rate_limits=False, webhook_backoff=(0.1, 0.5)) as emu:
        env = {**env, "YOUTHVOICE_API_URL": emu.base_url, "YOUTHVOICE_WEBHOOK_SECRET": SECRET}
        async with youthvoice(env, "run", "--webhook", "--port", str(port)) as bot:
            await healthy(port)
            assert emu.webhook is None and emu.stats.calls["setWebhook"] == 0
            url = f"http://127.0.0.1:{port}/telegram"
            assert (await asyncio.to_thread(run, env, "webhook", "set", url)).exit_code == 0
            sam = emu.user("Sam")
            await sam.send("/start")
            welcome = await sam.next_reply(timeout=15)
            assert "Do you want to join?" in (welcome.text or "")
            # A bot of its own database (a second on the same SQLite file is refused first).
            apart = {**env, "YOUTHVOICE_DATABASE": str(tmp_path / "apart.db")}
            async with youthvoice(apart, "run", "--webhook", "--port", str(port)) as second:
                _, err = await asyncio.wait_for(second.communicate(), timeout=30)
            assert err.decode().endswith(
                f"youthvoice: could not listen on 127.0.0.1:{port}: Address already in use\n"
            )
            assert second.returncode == 1
            bot.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(bot.communicate(), timeout=20)
        assert bot.returncode == 0, err.decode()
        assert emu.stats.calls["getUpdates"] == 0
        assert SECRET not in err.decode() and TOKEN not in err.decode()
