"""The command line when something is wrong: one plain line on stderr, never a traceback, and
exit 2 for something set up wrong or 1 for a problem while working."""

from __future__ import annotations

import asyncio
import errno
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from bot.emulator import Emulator
from flows.safety import bundled_risk_phrases
from flows.survey import bundled_dir
from tests.conftest import TOKEN, Clock, cli_clock
from tests.database import db_rows

pytestmark = pytest.mark.timeout(60)

YOUTHVOICE = Path(sys.executable).with_name("youthvoice")
# Set, so no key file is made (its creation is logged).
SECRET_KEY = "cli-errors-test-key-665bf0e9cfa87381487f8082"
WRONG_TOKEN = "5550001:wrong-token-that-must-never-be-printed"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Settings for the command: a fresh database, a secret key, no stray .env file."""
    monkeypatch.chdir(tmp_path)
    return {
        "YOUTHVOICE_DATABASE": str(tmp_path / "youthvoice.db"),
        "YOUTHVOICE_QUIET_HOURS": "off",
        "YOUTHVOICE_SECRET_KEY": SECRET_KEY,
    }


def run(env: dict[str, str], *args: str) -> Result:
    with cli_clock(Clock()):
        return CliRunner().invoke(main, list(args), env=env)


def assert_one_line(result: Result, code: int, line: str) -> None:
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr == line + "\n"
    assert result.exit_code == code


def installed(
    env: dict[str, str], *args: str, timeout: float = 40
) -> subprocess.CompletedProcess[str]:
    """The installed ``youthvoice`` script, as someone at a terminal runs it."""
    return subprocess.run(
        [str(YOUTHVOICE), *args],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_run_when_telegram_cannot_be_reached(env: dict[str, str]) -> None:
    """``run`` with a Bot API URL nothing answers at stops within seconds with exit 1 and one
    line naming the URL and what to check, not the library's traceback."""
    url = f"http://127.0.0.1:{closed_port()}/bot"
    started = time.monotonic()
    done = installed({**env, "YOUTHVOICE_BOT_TOKEN": TOKEN, "YOUTHVOICE_API_URL": url}, "run")
    assert time.monotonic() - started < 30
    assert done.stdout == ""
    assert done.stderr == (
        f"youthvoice: could not reach Telegram at {url} (could not connect); check the "
        "internet connection, and YOUTHVOICE_API_URL if you set it\n"
    )
    assert done.returncode == 1
    assert TOKEN not in done.stdout + done.stderr


def test_run_when_the_api_url_never_answers(env: dict[str, str]) -> None:
    """A Bot API URL that accepts the connection but never answers does not hang ``run``: it
    gives up within the library's timeouts (well under a minute) with exit 1 and one line."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/bot"
        started = time.monotonic()
        done = installed({**env, "YOUTHVOICE_BOT_TOKEN": TOKEN, "YOUTHVOICE_API_URL": url}, "run")
        assert time.monotonic() - started < 40
    assert done.stderr == (
        f"youthvoice: could not reach Telegram at {url} (no answer in time); check the "
        "internet connection, and YOUTHVOICE_API_URL if you set it\n"
    )
    assert (done.returncode, done.stdout) == (1, "")


@pytest.mark.parametrize("verbose", [[], ["--verbose"]])
async def test_run_with_a_token_telegram_rejects(env: dict[str, str], verbose: list[str]) -> None:
    """A token the Bot API answers 401 to stops ``run`` with exit 2 and one line pointing to
    @BotFather; the token itself appears nowhere in the output, not even with --verbose."""
    async with Emulator(token=TOKEN, rate_limits=False) as emu:
        process = await asyncio.create_subprocess_exec(
            str(YOUTHVOICE),
            *verbose,
            "run",
            env={
                **env,
                "PATH": "/usr/bin:/bin",
                "YOUTHVOICE_BOT_TOKEN": WRONG_TOKEN,
                "YOUTHVOICE_API_URL": emu.base_url,
            },
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=40)
    stdout, stderr = out.decode(), err.decode()
    for secret in (WRONG_TOKEN, WRONG_TOKEN.split(":")[1]):
        assert secret not in stdout + stderr
    assert stdout == ""
    assert stderr == (
        "youthvoice: Telegram rejected the bot token (YOUTHVOICE_BOT_TOKEN); check it, or get "
        f"a new one from @BotFather; also check YOUTHVOICE_API_URL ({emu.base_url})\n"
    )
    assert process.returncode == 2


def _missing_folder(tmp_path: Path) -> tuple[Path, str]:
    return tmp_path / "missing" / "youthvoice.db", (
        f"cannot create the database in {tmp_path / 'missing'}: the folder does not exist. "
        "Create it or set YOUTHVOICE_DATABASE"
    )


def _under_a_file(tmp_path: Path) -> tuple[Path, str]:
    (tmp_path / "notes.txt").write_text("not a folder\n")
    return tmp_path / "notes.txt" / "youthvoice.db", (
        f"cannot create the database in {tmp_path / 'notes.txt'}: that is a file, not a "
        "folder. Check the path or set YOUTHVOICE_DATABASE"
    )


def _a_folder(tmp_path: Path) -> tuple[Path, str]:
    (tmp_path / "data").mkdir()
    return tmp_path / "data", (
        f"the database path is a folder, not a file: {tmp_path / 'data'}. Add a file name to "
        f"it (such as {tmp_path / 'data' / 'youthvoice.db'}) or set YOUTHVOICE_DATABASE"
    )


@pytest.mark.parametrize("place", [_missing_folder, _under_a_file, _a_folder])
@pytest.mark.parametrize("command", [["run"], ["cohorts", "list"], ["cohorts", "add", "Forum"]])
def test_database_in_a_place_it_cannot_be_made_is_one_line_for_every_command(
    env: dict[str, str], tmp_path: Path, place: object, command: list[str]
) -> None:
    """A database path in a missing folder, under a file, or naming a folder: every command
    says so the same way, with the fix, and exits 2; nothing is created on the way (``run``
    used to make the missing folder for its key file)."""
    assert callable(place)
    database, line = place(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    result = run(
        {**env, "YOUTHVOICE_DATABASE": str(database), "YOUTHVOICE_BOT_TOKEN": TOKEN}, *command
    )
    assert_one_line(result, 2, f"youthvoice: {line}")
    assert sorted(tmp_path.rglob("*")) == before
    assert "SQLITE" not in result.output and "unable to open" not in result.output


def test_database_in_a_missing_folder_from_the_installed_command(env: dict[str, str]) -> None:
    """The installed script says the same one line as in-process, with no traceback."""
    database, line = _missing_folder(Path(env["YOUTHVOICE_DATABASE"]).parent)
    done = installed({**env, "YOUTHVOICE_DATABASE": str(database)}, "cohorts", "list")
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"youthvoice: {line}\n")


@pytest.mark.parametrize("command", [["run"], ["cohorts", "list"]])
def test_database_sqlite_cannot_open_is_one_line(env: dict[str, str], command: list[str]) -> None:
    """When SQLite itself cannot open the file (here a link to a folder that does not exist),
    the installed script says so in words, exits 2 and leaves no thread traceback at exit."""
    database = Path(env["YOUTHVOICE_DATABASE"])
    database.symlink_to(database.parent / "gone" / "youthvoice.db")
    done = installed({**env, "YOUTHVOICE_BOT_TOKEN": TOKEN}, *command)
    assert done.stderr == (
        f"youthvoice: cannot open or create the database in {database.parent}: it cannot be "
        "written there. Make the folder and the database file writable for this user or set "
        "YOUTHVOICE_DATABASE\n"
    )
    assert (done.returncode, done.stdout) == (2, "")


def test_run_when_the_key_file_cannot_be_written(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no YOUTHVOICE_SECRET_KEY, a key file that cannot be written (here the disk says
    it is read-only) stops ``run`` with exit 2 and one line naming the file and the fix."""
    del env["YOUTHVOICE_SECRET_KEY"]

    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    result = run({**env, "YOUTHVOICE_BOT_TOKEN": TOKEN}, "run")
    key = env["YOUTHVOICE_DATABASE"] + ".key"
    assert_one_line(
        result,
        2,
        f"youthvoice: {key}: cannot write the key file (read-only file system); make its "
        "folder writable for this user, or set YOUTHVOICE_SECRET_KEY",
    )
    assert not Path(key).exists()


def test_run_when_the_key_file_is_a_folder(env: dict[str, str]) -> None:
    """A folder where the key file should be is one line naming it, and exit 2."""
    del env["YOUTHVOICE_SECRET_KEY"]
    key = Path(env["YOUTHVOICE_DATABASE"] + ".key")
    key.mkdir()
    result = run({**env, "YOUTHVOICE_BOT_TOKEN": TOKEN}, "run")
    assert_one_line(
        result,
        2,
        f"youthvoice: {key}: cannot read the key file (is a directory); make it a readable "
        "file, or restore it from your backup",
    )


@pytest.mark.parametrize("name", ["", "   "])
def test_blank_cohort_name_is_refused(env: dict[str, str], name: str) -> None:
    """``cohorts add`` with an empty or blank name makes nothing and says what a name is."""
    result = run(env, "cohorts", "add", name)
    assert_one_line(
        result,
        1,
        'youthvoice: a cohort needs a name; for example: youthvoice cohorts add "North Forum"',
    )
    database = Path(env["YOUTHVOICE_DATABASE"])
    assert not database.exists() or db_rows(database, "SELECT * FROM cohorts") == []


def test_cohort_name_is_stored_without_surrounding_spaces(env: dict[str, str]) -> None:
    """``cohorts add "  Forum "`` makes the cohort 'Forum', so ``--cohort Forum`` finds it."""
    result = run(env, "cohorts", "add", "  Forum ")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Cohort 'Forum' created.")
    assert db_rows(Path(env["YOUTHVOICE_DATABASE"]), "SELECT name FROM cohorts") == [("Forum",)]


def _broken_surveys(folder: Path) -> None:
    """Two good surveys (one .yml), three broken files, two with several problems, and
    a file that is not a survey."""
    folder.mkdir()
    shutil.copy(bundled_dir() / "weekly.yaml", folder / "weekly.yml")
    shutil.copy(bundled_dir() / "meeting_feedback.yaml", folder / "meeting_feedback.yaml")
    (folder / "bad.yaml").write_text(
        "schema_version: 1\nid: Bad Id\ntitle: ''\nintro: Hi\nthanks: Bye\ncolour: blue\n"
        'questions:\n  - {id: q1, type: text, text: "Anything?"}\n'
        '  - {id: q2, type: yesno, text: "Safe?", show_if: {question: q1, answer: ["yes"]}}\n'
    )
    (folder / "links.yaml").write_text(
        "schema_version: 1\nid: links\ntitle: Links\nintro: Hi\nthanks: Bye\nquestions:\n"
        '  - {id: q1, type: text, text: "Anything?"}\n'
        '  - {id: q1, type: yesno, text: "Safe?", show_if: {question: q1, answer: ["yes"]}}\n'
    )
    (folder / "copy.yml").write_text((bundled_dir() / "weekly.yaml").read_text())
    (folder / "notes.txt").write_text("not a survey\n")


def test_surveys_check_lists_every_problem_in_every_file(
    env: dict[str, str], tmp_path: Path
) -> None:
    """``surveys check FOLDER`` reads .yaml and .yml files and lists all problems of all
    files in one run, one line each, then exits 1."""
    folder = tmp_path / "surveys"
    _broken_surveys(folder)
    result = run(env, "surveys", "check", str(folder))
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "bad.yaml: id: 'Bad Id' is not a valid id; use lower-case letters, numbers and _, "
        "starting with a letter, at most 20 characters",
        "bad.yaml: title: is empty; write something here",
        "bad.yaml: colour: unknown field 'colour'; check the spelling or remove it",
        "links.yaml: questions[1].id: 'q1' is used twice; give each question its own id",
        "links.yaml: questions[1].show_if: 'q1' is a text question; branch on a question "
        "with buttons",
        "weekly.yml: id: 'weekly' is already used by copy.yml",
    ]
    assert result.exit_code == 1


def test_surveys_check_a_single_file(env: dict[str, str], tmp_path: Path) -> None:
    """``surveys check FILE`` checks that one file (.yml too); a file the bot would not read
    as a survey is one line saying so."""
    folder = tmp_path / "surveys"
    _broken_surveys(folder)
    good = run(env, "surveys", "check", str(folder / "weekly.yml"))
    assert (good.exit_code, good.stdout) == (0, f"{folder / 'weekly.yml'} is fine.\n")
    bad = run(env, "surveys", "check", str(folder / "notes.txt"))
    assert_one_line(bad, 1, "notes.txt: not a survey file; survey files end in .yaml or .yml")
    missing = run(env, "surveys", "check", str(folder / "nope.yaml"))
    assert_one_line(missing, 1, f"{folder / 'nope.yaml'}: no such file or folder")


def test_yml_surveys_are_loaded_by_the_bot(env: dict[str, str], tmp_path: Path) -> None:
    """A survey folder of .yml files is what ``surveys list`` (and the bot) use."""
    folder = tmp_path / "surveys"
    folder.mkdir()
    shutil.copy(bundled_dir() / "weekly.yaml", folder / "weekly.yml")
    result = run({**env, "YOUTHVOICE_SURVEYS": str(folder)}, "surveys", "list")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("weekly ")


def test_run_with_a_broken_risk_phrase_file_is_one_line_and_exit_2(
    env: dict[str, str], tmp_path: Path
) -> None:
    """A safeguarding lead's typo in the phrase file stops the bot before it starts, saying
    which file and line."""
    phrases = tmp_path / "phrases.yaml"
    bundled = bundled_risk_phrases().read_text(encoding="utf-8")
    phrases.write_text(bundled.replace("\n  violence:\n", "\n  violense:\n"), encoding="utf-8")
    result = run(
        {**env, "YOUTHVOICE_RISK_PHRASES": str(phrases), "YOUTHVOICE_BOT_TOKEN": "1:x"}, "run"
    )
    assert result.exit_code == 2, result.output
    assert result.output.startswith("youthvoice: phrases.yaml")
    assert "violense" in result.output and len(result.output.strip().splitlines()) == 1
