"""``youthvoice plan``: actions are added (a role is a job title, never blank), listed and
changed; a change offers the "you said, we did" update as a ready command, and ``--tell`` /
``plan tell`` posts it to the action's cohort; bad input is one line; all of it audit-logged."""

from __future__ import annotations

import asyncio
import shlex

import pytest

from storage.sqlite import SqliteStore
from tests.conftest import run
from tests.database import db_rows

pytestmark = pytest.mark.timeout(60)

ADD = ["plan", "add", "--priority", "Money", "--what", "Run a budgeting session"]


def setup(env: dict[str, str]) -> None:
    """Cohort North with 3 people, and 2 people in no cohort."""

    async def work() -> None:
        store = SqliteStore(env["YOUTHVOICE_DATABASE"])
        await store.open()
        north = await store.add_cohort("North", "NORTH123", "2026-11-01")
        for chat in range(1, 6):
            await store.join(chat, north.id if chat <= 3 else None, "en", "x", chat)
        await store.close()

    asyncio.run(work())


def test_actions_are_added_and_listed(env: dict[str, str]) -> None:
    setup(env)
    assert "No actions in the plan yet" in run(env, "plan", "list").output
    added = run(env, *ADD, "--role", "Leaving care manager", "--by", "2099-01-31")
    assert added.exit_code == 0, added.output
    assert added.output.startswith(
        "Action 1 added to the plan (planned): Money: Run a budgeting session\n"
        "  who: Leaving care manager · by 2099-01-31 · for everyone\n"
    )
    home = ["--priority", "Home", "--what", "Visit every flat", "--role", "Housing officer"]
    assert run(env, "plan", "add", *home, "--cohort", "North").exit_code == 0
    listed = run(env, "plan", "list").output.splitlines()
    assert listed[0] == "   1  planned         Money: Run a budgeting session"
    assert listed[1].startswith("                     who: Leaving care manager · by 2099-01-31")
    assert listed[3].strip().startswith("who: Housing officer · no date · for North · since ")
    audit = db_rows(env["YOUTHVOICE_DATABASE"], "SELECT who, action, detail FROM audit_log")
    assert audit == [
        ("command line", "added a plan action", "action 1 for everyone"),
        ("command line", "added a plan action", "action 2 for cohort 1"),
    ]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--role", "   "], "--role: the role is empty; give a job title such as 'Leaving care "
                            "manager', never a person's name"),
        (["--role", "x" * 81], "--role: the role is 81 characters; keep it to 80"),
        (["--role", "Manager", "--by", "31/01/2099"], "--by: use YYYY-MM-DD"),
        (["--role", "Manager", "--by", "2020-01-01"], "--by: 2020-01-01 has already passed"),
        (["--role", "Manager", "--cohort", "South"], "--cohort: no cohort 'South'; see: "
                                                     "youthvoice cohorts list"),
    ],
)  # fmt: skip
def test_a_bad_action_is_one_line_and_adds_nothing(
    env: dict[str, str], args: list[str], line: str
) -> None:
    setup(env)
    result = run(env, *ADD, *args)
    assert result.exit_code == 1
    assert result.output.startswith(f"youthvoice: {line}"), result.output
    assert len(result.output.splitlines()) == 1
    assert db_rows(env["YOUTHVOICE_DATABASE"], "SELECT COUNT(*) FROM plan_actions") == [(0,)]


def test_the_role_is_asked_for_as_a_job_title() -> None:
    """The help says what a role is."""
    from click.testing import CliRunner

    from bot.cli import main

    shown = CliRunner().invoke(main, ["plan", "add", "--help"]).output
    assert "a job title" in shown and "never a name" in shown


def test_a_change_offers_the_update_ready_to_run(env: dict[str, str]) -> None:
    """The printed command posts exactly the pre-filled update; a second identical change
    changes nothing and offers nothing."""
    setup(env)
    run(env, *ADD, "--role", "Leaving care manager", "--cohort", "North")
    changed = run(env, "plan", "status", "1", "in-progress")
    assert changed.exit_code == 0, changed.output
    lines = changed.output.splitlines()
    assert lines[0] == "Action 1 is now: in progress (was: planned)."
    command = lines[2].strip()
    assert command == (
        "youthvoice update add --you-said '\"Money\" should be a priority.' "
        "--we-did 'Run a budgeting session' --status in-progress --cohort North"
    )
    assert lines[3] == "Or post it as it is: youthvoice plan tell 1"
    again = run(env, "plan", "status", "1", "in_progress")
    assert again.output == "Action 1 is already in progress; nothing changed.\n"
    posted = run(env, *shlex.split(command)[1:])
    assert posted.exit_code == 0, posted.output
    assert "It goes to 3 people (the cohort)" in posted.output
    audit = db_rows(env["YOUTHVOICE_DATABASE"], "SELECT action, detail FROM audit_log")
    assert (
        audit.count(("changed a plan action's status", "action 1 from planned to in_progress")) == 1
    )


def test_tell_posts_the_update_and_couldnt_needs_why(env: dict[str, str]) -> None:
    setup(env)
    run(env, *ADD, "--role", "Leaving care manager")
    database = env["YOUTHVOICE_DATABASE"]
    no_why = run(env, "plan", "status", "1", "couldnt", "--tell")
    assert no_why.exit_code == 1 and no_why.stdout == ""
    assert no_why.stderr == "youthvoice: --why: say why it could not be done, in plain words\n"
    # Refused before anything changed: the action still stands where it did.
    assert db_rows(database, "SELECT status FROM plan_actions") == [("planned",)]
    assert db_rows(database, "SELECT COUNT(*) FROM audit_log") == [(1,)]
    told = run(env, "plan", "status", "1", "couldnt", "--tell", "--why", "The council said no")
    assert told.exit_code == 0, told.output
    assert told.output.splitlines() == [
        'You said: "Money" should be a priority.',
        "We did: Run a budgeting session",
        "Status: couldn't: The council said no",
        "It goes to 5 people (everyone), within a few seconds.",
        "Action 1 is now: couldn't do it (was: planned).",
        "Update 1 posted: 5 messages queued; the running bot sends them within a few seconds.",
    ]
    assert db_rows(database, "SELECT status FROM plan_actions") == [("couldnt",)]
    assert db_rows(database, "SELECT status, why, cohort_id FROM posted_updates") == [
        ("couldnt", "The council said no", None)
    ]
    assert db_rows(database, "SELECT COUNT(*) FROM outbox") == [(5,)]


def test_a_planned_action_with_no_date_cannot_be_told_as_it_is(env: dict[str, str]) -> None:
    setup(env)
    run(env, *ADD, "--role", "Manager")
    run(env, "plan", "status", "1", "done")
    back = run(env, "plan", "status", "1", "planned")
    assert "--by YYYY-MM-DD" in back.output and "It needs a date still to come" in back.output
    told = run(env, "plan", "tell", "1")
    assert told.exit_code == 1 and "action 1 has no date still to come" in told.output
    run(env, "plan", "status", "1", "done")
    refused = run(env, "plan", "status", "1", "planned", "--tell")
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.startswith("youthvoice: action 1 has no date still to come")
    database = env["YOUTHVOICE_DATABASE"]
    assert db_rows(database, "SELECT status FROM plan_actions") == [("done",)]


def test_saying_no_to_a_large_tell_leaves_the_status_as_it_was(env: dict[str, str]) -> None:
    """``status --tell`` asks before a large send BEFORE changing the status: saying no
    changes nothing."""

    async def crowd() -> None:
        store = SqliteStore(env["YOUTHVOICE_DATABASE"])
        await store.open()
        for chat in range(1, 102):
            await store.join(chat, None, "en", "x", chat)
        await store.close()

    asyncio.run(crowd())
    run(env, *ADD, "--role", "Manager")
    result = run(env, "plan", "status", "1", "done", "--tell", input="n\n")
    assert result.exit_code == 1
    assert "This will message 101 people" in result.output and "Aborted!" in result.output
    assert "is now" not in result.output
    database = env["YOUTHVOICE_DATABASE"]
    assert db_rows(database, "SELECT status FROM plan_actions") == [("planned",)]
    assert db_rows(database, "SELECT COUNT(*) FROM outbox") == [(0,)]


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["plan", "status", "9", "done"], 1, "youthvoice: no action 9 in the plan; see: "
                                             "youthvoice plan list"),
        (["plan", "status", "1", "finished"], 2, "'finished' is not one of"),
        (["plan", "status", "one", "done"], 2, "'one' is not a valid integer"),
        (["plan", "tell", "9"], 1, "youthvoice: no action 9 in the plan"),
        (["plan", "status", "1", "couldnt", "--why", "No room"], 1, "--why: goes with --tell"),
    ],
)  # fmt: skip
def test_an_unknown_action_or_status_changes_nothing(
    env: dict[str, str], args: list[str], code: int, words: str
) -> None:
    setup(env)
    run(env, *ADD, "--role", "Manager")
    result = run(env, *args)
    assert result.exit_code == code and words in result.output, result.output
    database = env["YOUTHVOICE_DATABASE"]
    assert db_rows(database, "SELECT status FROM plan_actions") == [("planned",)]
    assert db_rows(database, "SELECT COUNT(*) FROM audit_log") == [(1,)]


def test_an_action_is_put_right_and_young_people_see_it_changed(env: dict[str, str]) -> None:
    """A name typed as the role, and a date, are put right; what is not given stays; the
    audit log names the parts changed, never their words; bad changes change nothing."""
    setup(env)
    assert run(env, *ADD, "--role", "Jane Smith").exit_code == 0
    changed = run(
        env, "plan", "change", "1", "--role", "Leaving care manager", "--by", "2099-02-01"
    )
    assert changed.exit_code == 0, changed.output
    assert changed.output == (
        "Action 1 now reads: Money: Run a budgeting session\n"
        "  who: Leaving care manager · by 2099-02-01 · for everyone\n"
    )
    rows = db_rows(env["YOUTHVOICE_DATABASE"], "SELECT role, due_on, status FROM plan_actions")
    assert rows == [("Leaving care manager", "2099-02-01", "planned")]
    for args, line in [
        ([], "youthvoice: nothing to change: give new words, a role or a date"),
        (["--role", " "], "youthvoice: --role: the role is empty"),
        (["--by", "2020-01-01"], "youthvoice: --by: 2020-01-01 has already passed"),
    ]:
        refused = run(env, "plan", "change", "1", *args)
        assert refused.exit_code == 1 and refused.stderr.startswith(line), refused.output
    assert run(env, "plan", "change", "9", "--what", "x").exit_code == 1
    rows_after = db_rows(env["YOUTHVOICE_DATABASE"], "SELECT role, due_on FROM plan_actions")
    assert rows_after == [("Leaving care manager", "2099-02-01")]
    audit = db_rows(env["YOUTHVOICE_DATABASE"], "SELECT action, detail FROM audit_log")
    assert audit[-1] == ("changed a plan action's words", "action 1: role, by")
    assert "Jane" not in str(audit)
