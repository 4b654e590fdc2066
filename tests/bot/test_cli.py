"""The ``youthvoice`` command: surveys, cohorts, opening a check-in, and bad settings."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from flows.messages import say
from flows.survey import bundled_dir
from tests.conftest import Harness, clock_start, people_joined, run
from tests.database import db_rows

pytestmark = pytest.mark.timeout(30)

YOUTHVOICE = Path(sys.executable).with_name("youthvoice")
DAY = 86400.0


def add_cohort(env: dict[str, str], name: str) -> str:
    """``cohorts add NAME``; returns the invite code it printed."""
    result = run(env, "cohorts", "add", name)
    assert result.exit_code == 0, result.output
    found = re.search(r"Invite code: ([A-Z2-9]{8})\n", result.stdout)
    assert found, result.stdout
    return found[1]


def test_surveys_list_shows_the_bundled_surveys(env: dict[str, str]) -> None:
    """``surveys list`` prints each survey's id, question count and title."""
    result = run(env, "surveys", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(re.fullmatch(r"weekly\s+7 questions  How are things\?", line) for line in lines)
    assert any(line.startswith("meeting_feedback ") for line in lines)


def test_surveys_check_good_folder(env: dict[str, str]) -> None:
    """``surveys check`` on the bundled folder says all is fine and exits 0."""
    result = run(env, "surveys", "check", str(bundled_dir()))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"All surveys in {bundled_dir()} are fine.\n"


def test_surveys_check_bad_folder_names_file_and_path(env: dict[str, str], tmp_path: Path) -> None:
    """A survey with a typo in ``show_if`` fails with exit 1 and a line naming the file and
    the place in it."""
    folder = tmp_path / "surveys"
    folder.mkdir()
    shutil.copy(bundled_dir() / "weekly.yaml", folder / "weekly.yaml")
    broken = (
        (folder / "weekly.yaml")
        .read_text()
        .replace("show_if: {question: safe_home,", "show_if: {question: safe_hom,")
    )
    (folder / "weekly.yaml").write_text(broken)
    result = run(env, "surveys", "check", str(folder))
    assert result.exit_code == 1
    problems = result.stderr.splitlines()
    assert len(problems) == 1, result.stderr
    assert problems[0].startswith("weekly.yaml: questions[2].show_if")
    assert "safe_hom" in problems[0] and "safe_home" in problems[0]
    assert "are fine" not in result.stdout


def test_surveys_check_empty_folder(env: dict[str, str], tmp_path: Path) -> None:
    """A folder with no survey files is a problem, not 'all fine'."""
    result = run(env, "surveys", "check", str(tmp_path))
    assert result.exit_code == 1
    assert "no survey files" in result.stderr


def test_cohorts_add_and_list(env: dict[str, str]) -> None:
    """``cohorts add`` prints the invite code and t.me link; ``cohorts list`` shows them."""
    result = run(env, "cohorts", "add", "North Forum")
    assert result.exit_code == 0, result.output
    code = re.search(r"Invite code: ([A-Z2-9]{8})", result.stdout)
    assert code, result.stdout
    assert f"Invite link: https://t.me/<your_bot>?start={code[1]}\n" in result.stdout
    listed = run(env, "cohorts", "list")
    assert listed.exit_code == 0, listed.output
    link = f"https://t.me/<your_bot>?start={code[1]}"
    assert re.fullmatch(
        rf"North Forum\s+0 people joined  code {code[1]}  {re.escape(link)}\n", listed.stdout
    )


async def test_cohorts_list_counts_everyone_with_links(yv: Harness) -> None:
    """``cohorts list`` shows each cohort's invite link (with the bot's real name once it has
    run) and how many joined, and counts the people who joined with no group too."""
    env = {"YOUTHVOICE_DATABASE": str(yv.settings.database), "YOUTHVOICE_QUIET_HOURS": "off"}
    code = await asyncio.to_thread(add_cohort, env, "Forum")
    await yv.joined("Sam", code)
    await yv.joined("Ash")  # no invite code: in no group
    await yv.joined("Kit")
    listed = await asyncio.to_thread(run, env, "cohorts", "list")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines() == [
        f"{'Forum':<30} 1 person joined  code {code}  https://t.me/youthvoice_test_bot?start={code}",
        f"{'(in no group)':<30} 2 people joined",
    ]


def test_cohorts_list_when_empty(env: dict[str, str]) -> None:
    """With no cohorts, ``cohorts list`` says how to add one."""
    result = run(env, "cohorts", "list")
    assert result.exit_code == 0
    assert "youthvoice cohorts add NAME" in result.stdout


def test_cohorts_add_twice_is_refused(env: dict[str, str]) -> None:
    """A second cohort with the same name is refused with exit 1."""
    add_cohort(env, "Forum")
    again = run(env, "cohorts", "add", "Forum")
    assert again.exit_code == 1
    assert "already a cohort called 'Forum'" in again.stderr


def test_checkin_opens_a_checkin_for_the_cohort(env: dict[str, str]) -> None:
    """``checkin weekly --cohort NAME`` opens a check-in for that cohort and says how many
    invitations it queued (see the delivery test below)."""
    add_cohort(env, "Forum")
    people_joined(env, range(1, 6), cohort="Forum")
    people_joined(env, range(6, 8))  # in no cohort: not invited
    result = run(env, "checkin", "weekly", "--cohort", "Forum")
    assert result.exit_code == 0, result.output
    assert "Check-in 1 (How are things?) is open. Queued 5 invitations" in result.stdout
    database = Path(env["YOUTHVOICE_DATABASE"])
    assert db_rows(database, "SELECT survey_id, cohort_id FROM checkins") == [("weekly", 1)]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--cohort", "Tiny"], "nobody has joined 'Tiny' yet, so nobody would be asked; "
                               "share its invite link first"),
        ([], "nobody has joined yet, so nobody would be asked; share an invite link first"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("extra", [[], ["--yes"], ["--dry-run"]])
def test_a_checkin_for_nobody_is_refused_and_opens_nothing(
    env: dict[str, str], args: list[str], line: str, extra: list[str]
) -> None:
    """Regression: on a cohort nobody had joined, ``checkin`` opened a check-in and said
    "Queued 0 invitations". Now it is one line and exit 1 (the dry run says so too), and
    nothing is opened or logged; a schedule for later may still wait for people to join."""
    add_cohort(env, "Tiny")
    result = run(env, "checkin", "weekly", *args, *extra)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"youthvoice: {line}\n"
    database = Path(env["YOUTHVOICE_DATABASE"])
    assert db_rows(database, "SELECT COUNT(*) FROM checkins") == [(0,)]
    assert db_rows(database, "SELECT COUNT(*) FROM audit_log") == [(0,)]
    later = run(env, "checkin", "weekly", *args, "--every", "mon 18:00")
    assert later.exit_code == 0, later.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["checkin", "nope"], "youthvoice: no survey 'nope'; see: youthvoice surveys list\n"),
        (
            ["checkin", "weekly", "--cohort", "Nowhere"],
            "youthvoice: --cohort: no cohort 'Nowhere'; see: youthvoice cohorts list\n",
        ),
    ],
)
def test_checkin_unknown_survey_or_cohort(
    env: dict[str, str], args: list[str], message: str
) -> None:
    """An unknown survey or cohort is one line and exit 1, and opens nothing."""
    result = run(env, *args)
    assert result.exit_code == 1
    assert result.stderr == message
    database = Path(env["YOUTHVOICE_DATABASE"])
    if database.exists():
        assert db_rows(database, "SELECT * FROM checkins") == []


async def test_running_bot_delivers_what_the_command_queued(yv: Harness) -> None:
    """The cohort and check-in made by the command reach a young person through the running
    bot within seconds; someone outside the cohort gets nothing."""
    env = {"YOUTHVOICE_DATABASE": str(yv.settings.database), "YOUTHVOICE_QUIET_HOURS": "off"}
    code = await asyncio.to_thread(add_cohort, env, "Forum")
    sam = await yv.joined("Sam", code)
    ash = await yv.joined("Ash")
    result = await asyncio.to_thread(run, env, "checkin", "weekly", "--cohort", "Forum", "--yes")
    assert result.exit_code == 0, result.output
    assert "Queued 1 invitation;" in result.stdout
    invite = await sam.next_reply(timeout=5)
    assert invite.text == say("invitation", "en", title="How are things?")
    assert invite.button_texts == ["Start"]
    await ash.assert_no_reply()
    listed = await asyncio.to_thread(run, env, "cohorts", "list")
    assert re.search(rf"Forum\s+1 person joined  code {code}  ", listed.stdout)


async def test_invite_link_names_the_bot_once_it_has_run(yv: Harness) -> None:
    """After the bot has run once on the database, ``cohorts add`` prints its real t.me link."""
    env = {"YOUTHVOICE_DATABASE": str(yv.settings.database), "YOUTHVOICE_QUIET_HOURS": "off"}
    result = await asyncio.to_thread(run, env, "cohorts", "add", "Forum")
    assert result.exit_code == 0, result.output
    code = re.search(r"Invite code: ([A-Z2-9]{8})", result.stdout)
    assert code, result.stdout
    assert f"Invite link: https://t.me/youthvoice_test_bot?start={code[1]}\n" in result.stdout
    assert "Run the bot once" not in result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("YOUTHVOICE_TIMEZONE", "Mars/Base"),
        ("YOUTHVOICE_WORKERS", "abc"),
        ("YOUTHVOICE_QUIET_HOURS", "nonsense"),
        ("YOUTHVOICE_SEND_RATE", "fast"),
        ("YOUTHVOICE_SURVEYS", "/no/such/folder"),
    ],
)
def test_bad_setting_exits_2_with_one_line(env: dict[str, str], variable: str, value: str) -> None:
    """A bad setting stops every command with exit code 2 and one line naming the variable."""
    result = run({**env, variable: value}, "cohorts", "list")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"youthvoice: {variable}: ")


def test_bad_setting_from_the_installed_command(env: dict[str, str]) -> None:
    """The installed ``youthvoice`` script exits 2 with one stderr line and no traceback."""
    assert YOUTHVOICE.exists(), f"no console script at {YOUTHVOICE}"
    done = subprocess.run(
        [str(YOUTHVOICE), "surveys", "list"],
        env={**env, "PATH": "/usr/bin:/bin", "YOUTHVOICE_TIMEZONE": "Mars/Base"},
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "youthvoice: YOUTHVOICE_TIMEZONE: unknown time zone 'Mars/Base' (try Europe/London)\n"
    )


def test_a_yes_no_setting_that_is_neither_is_one_line_and_exit_2(env: dict[str, str]) -> None:
    """YOUTHVOICE_OPEN_JOIN=maybe stops any command with one plain line, exit 2."""
    result = run({**env, "YOUTHVOICE_OPEN_JOIN": "maybe"}, "cohorts", "list")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "youthvoice: YOUTHVOICE_OPEN_JOIN: 'maybe' is not true or false; use true or false\n"
    )


def test_run_without_a_token_says_how_to_get_one(env: dict[str, str]) -> None:
    """``run`` with no token exits 2 and names YOUTHVOICE_BOT_TOKEN."""
    result = run(env, "run")
    assert result.exit_code == 2
    assert result.stderr.startswith("youthvoice: YOUTHVOICE_BOT_TOKEN: is not set")


@pytest.mark.parametrize("token", ["", "   "])
@pytest.mark.parametrize("command", [["run"], ["run", "--webhook"], ["webhook", "info"]])
def test_an_empty_token_is_treated_as_not_set(
    env: dict[str, str], token: str, command: list[str]
) -> None:
    """``YOUTHVOICE_BOT_TOKEN=`` (empty or only spaces) is one line and exit 2, like no token,
    not python-telegram-bot's InvalidToken traceback."""
    result = run({**env, "YOUTHVOICE_BOT_TOKEN": token}, *command)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "youthvoice: YOUTHVOICE_BOT_TOKEN: is not set; get one from @BotFather\n"
    )


def test_run_with_a_short_secret_key_exits_2_naming_it(env: dict[str, str]) -> None:
    """A YOUTHVOICE_SECRET_KEY under 32 characters is refused before anything starts."""
    result = run({**env, "YOUTHVOICE_BOT_TOKEN": "1:x", "YOUTHVOICE_SECRET_KEY": "short"}, "run")
    assert result.exit_code == 2
    assert result.stderr.startswith("youthvoice: YOUTHVOICE_SECRET_KEY: is 5 characters")
    assert len(result.stderr.splitlines()) == 1


def test_run_with_a_damaged_key_file_is_one_line(env: dict[str, str]) -> None:
    """An empty key file (left by a crash or a bad copy) stops ``run`` with exit 2 and one
    line naming the file, instead of using an empty HMAC key."""
    key_file = Path(env["YOUTHVOICE_DATABASE"] + ".key")
    key_file.write_text("")
    result = run({**env, "YOUTHVOICE_BOT_TOKEN": "1:x"}, "run")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"youthvoice: {key_file}: the key file is damaged")
    assert len(result.stderr.splitlines()) == 1


def _newer_schema(env: dict[str, str]) -> str:
    assert run(env, "cohorts", "list").exit_code == 0
    with closing(sqlite3.connect(env["YOUTHVOICE_DATABASE"])) as db, db:
        db.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    return "the database is at schema version 999, made by a newer Youth Voice"


def _not_a_database(env: dict[str, str]) -> str:
    Path(env["YOUTHVOICE_DATABASE"]).write_text("a shopping list, not a database\n" * 100)
    return "the file is not a Youth Voice database; check the database path"


@pytest.mark.parametrize("damage", [_newer_schema, _not_a_database])
def test_run_with_a_database_problem_is_one_line(
    env: dict[str, str], damage: Callable[[dict[str, str]], str]
) -> None:
    """A database ``run`` cannot open (a newer schema, or another kind of file) is one line,
    ``youthvoice: database problem: ...``, and exit 1, with no traceback. (A database in the
    wrong place is a setup problem: see test_cli_errors.py.)"""
    says = damage(env)
    result = run({**env, "YOUTHVOICE_BOT_TOKEN": "1:x"}, "run")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("youthvoice: database problem: ")
    assert says in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_one_off_checkin_closes_after_a_week_unless_told(env: dict[str, str]) -> None:
    """A check-in opened now, or once with --at, without --open-for closes after 7 days (so
    its unfinished answers are dropped then) and the plan says so; --open-for still decides."""
    people_joined(env, range(1, 6))
    database = Path(env["YOUTHVOICE_DATABASE"])
    result = run(env, "checkin", "weekly")
    assert result.exit_code == 0, result.output
    assert "(7 days; change with --open-for)" in result.stdout
    result = run(env, "checkin", "weekly", "--open-for", "2d")
    assert result.exit_code == 0, result.output
    assert "(7 days" not in result.stdout
    rows = db_rows(database, "SELECT closes_at - opens_at FROM checkins ORDER BY id")
    assert rows == [(7 * DAY,), (2 * DAY,)]
    start = datetime.fromtimestamp(clock_start(), ZoneInfo("Europe/London"))
    later = (start + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    result = run(env, "checkin", "weekly", "--at", later, "--yes")
    assert result.exit_code == 0, result.output
    assert db_rows(database, "SELECT open_for FROM schedules") == [(7 * DAY,)]
