"""Bot processes for the benchmarks: start one against the emulator, read its CPU and memory,
stop it.

Each bot runs as its own process so its CPU time and peak memory are its own. Every process
started here is stopped when its ``async with`` block ends, on Ctrl-C too, and at exit as a
last resort.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from bot.emulator import Emulator

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:bench-token"
SECRET = "bench-key-not-for-production-0123456789ABCDEFGHIJ"
CLOCK_TICK = os.sysconf("SC_CLK_TCK")
_live: set[subprocess.Popen[bytes]] = set()


def _kill_leftovers() -> None:
    for proc in list(_live):
        if proc.poll() is None:
            proc.kill()
            proc.wait()


atexit.register(_kill_leftovers)


def youthvoice_argv(profile_to: Path | None = None) -> list[str]:
    """``youthvoice run`` with this Python, optionally under cProfile (written on a clean stop)."""
    script = Path(sys.executable).with_name("youthvoice")
    if profile_to is not None and script.exists():
        return [sys.executable, "-m", "cProfile", "-o", str(profile_to), str(script), "run"]
    return [sys.executable, "-c", "from bot.cli import main; main()", "run"]


def bot_env(emu: Emulator, database: str, send_rate: float) -> dict[str, str]:
    """The environment for ``youthvoice run``: only our settings, none of the caller's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("YOUTHVOICE_")}
    env.update(
        {
            "YOUTHVOICE_BOT_TOKEN": TOKEN,
            "YOUTHVOICE_API_URL": emu.base_url,
            "YOUTHVOICE_DATABASE": database,
            "YOUTHVOICE_SECRET_KEY": SECRET,
            "YOUTHVOICE_QUIET_HOURS": "off",
            "YOUTHVOICE_SEND_RATE": f"{send_rate:g}",
            "PTB_TIMEDELTA": "true",
        }
    )
    return env


class BotProcess:
    """A bot running as a child process; ``async with`` starts it and always stops it."""

    def __init__(self, argv: list[str], env: dict[str, str], folder: Path, name: str) -> None:
        self.argv, self.env, self.folder, self.name = argv, env, folder, name
        self.log_path = folder / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def __aenter__(self) -> BotProcess:
        with self.log_path.open("wb") as log:
            # cwd is the temp folder, so no developer's .env file is read.
            self.proc = subprocess.Popen(
                self.argv, env=self.env, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT
            )
        _live.add(self.proc)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def stop(self, grace: float = 20.0) -> int | None:
        """SIGTERM, wait for a clean exit (the emulator keeps answering meanwhile), then kill."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + grace
            try:
                while proc.poll() is None and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        _live.discard(proc)
        return proc.returncode

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def memory_kb(self) -> dict[str, int]:
        return memory_kb(self.pid)

    async def wait_polling(self, emu: Emulator, timeout: float = 60.0) -> None:
        """Wait until the bot has started long polling (its first getUpdates)."""
        deadline = time.monotonic() + timeout
        while emu.stats.calls["getUpdates"] < 1:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start polling:\n{self.log_tail()}")
            await asyncio.sleep(0.05)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of a process so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK


def family_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process, its children still running and those that ended (a
    PostgreSQL server: the postmaster and its backends, one per connection)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = sum(int(f) for f in fields[11:15]) / CLOCK_TICK  # its own and its ended children's
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            child = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile: counted with the ended ones next time
            continue
        if int(child[1]) == pid:
            total += (int(child[11]) + int(child[12])) / CLOCK_TICK
    return total


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set) of a process, in kB."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(rest.split()[0])
    return found
