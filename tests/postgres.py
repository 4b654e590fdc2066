"""A throwaway PostgreSQL server for the tests and the benchmarks (bench/database.py): initdb
and pg_ctl from the machine's packages, a private socket folder and no TCP port, and a fresh
database for each test or benchmark that asks.

The server runs as the ``postgres`` user when the tests run as root (initdb refuses root), and
is always stopped at the end of the session. Where PostgreSQL's programs are missing, the
PostgreSQL tests are an error, not skipped: ``pytest --no-postgres`` leaves them out on
purpose (and says so at the end), and ``YOUTHVOICE_TEST_POSTGRES=required`` (set by .ci/run)
refuses even that.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg

REQUIRED = "YOUTHVOICE_TEST_POSTGRES"
# Every wait on the server is bounded: starting takes about 2 s here.
_START_SECONDS = 60
_STOP_SECONDS = 30


class PostgresMissing(Exception):
    """PostgreSQL's programs are not on this machine."""


def programs() -> Path:
    """The folder holding initdb and pg_ctl: ``PG_BIN``, else the newest Debian install,
    else the folder of an ``initdb`` on the PATH."""
    if found := os.environ.get("PG_BIN"):
        folders = [Path(found)]
    else:
        debian = Path("/usr/lib/postgresql")
        versions = sorted(debian.glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
        on_path = shutil.which("initdb")
        folders = [*versions, *([Path(on_path).parent] if on_path else [])]
    for folder in folders:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PostgresMissing(
        "PostgreSQL's programs (initdb, pg_ctl) were not found: install them (Debian: "
        "apt-get install -y postgresql) or set PG_BIN to their folder; to run the other "
        "tests without PostgreSQL on purpose, pass --no-postgres"
    )


class PostgresServer:
    """One server on a temporary folder; ``database()`` makes a fresh database."""

    def __init__(self, folder: Path, bin_folder: Path, *, durable: bool = False) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.bin = bin_folder
        self.durable = durable
        self._names = itertools.count(1)

    def _run(self, *args: str, timeout: float) -> None:
        # initdb refuses to run as root: the server then belongs to the postgres user.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *args], check=True, timeout=timeout, capture_output=True, cwd=self.folder
        )

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--no-sync", timeout=_START_SECONDS,
        )  # fmt: skip
        options = f"-k {self.folder} -c listen_addresses=''"
        if not self.durable:  # tests need no crash safety; benchmarks keep PostgreSQL's own
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.folder / "server.log"), "-w", "-t", str(_START_SECONDS), "start",
            timeout=_START_SECONDS + 10,
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server (fast, then by signal if it will not), and remove its folder."""
        try:
            self._run(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                "-t", str(_STOP_SECONDS), "stop", timeout=_STOP_SECONDS + 10,
            )  # fmt: skip
        except (subprocess.SubprocessError, OSError):
            self._kill()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _kill(self) -> None:
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.folder}"

    @contextmanager
    def database(self) -> Iterator[str]:
        """A fresh, empty database's URL, dropped afterwards (with any connection left)."""
        name = f"yv_test_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True, connect_timeout=10) as admin:
            admin.execute(f"CREATE DATABASE {name}".encode())
        try:
            yield self.url(name)
        finally:
            with psycopg.connect(self.url(), autocommit=True, connect_timeout=10) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())


@contextmanager
def running_server(*, durable: bool = False) -> Iterator[PostgresServer]:
    """A started server, stopped and removed when the block ends (on Ctrl-C too). ``durable``
    keeps PostgreSQL's own settings (every commit flushed to disk), as benchmarks want; the
    tests turn flushing off."""
    found = programs()  # before the folder is made, so a missing program leaves none behind
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="yv-pg-")), found, durable=durable)
    try:
        server.start()
        yield server
    finally:
        server.stop()
