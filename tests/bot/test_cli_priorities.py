"""``youthvoice priorities open``: a round from approved ideas and the themes, opened for a
cohort like any check-in (small audiences confirmed first); ideas that are not approved refused
in one line; the ranking in ``youthvoice results`` and the board summary, small counts hidden."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import docx
import openpyxl
import pytest

from flows.priorities import QUESTION, idea_option
from storage.base import IdeaStatus, Store
from storage.sqlite import SqliteStore
from tests.bot.answers_seed import close
from tests.conftest import clock_start, run

pytestmark = pytest.mark.timeout(60)
T = TypeVar("T")


def on_store(env: dict[str, str], work: Callable[[Store], Awaitable[T]]) -> T:
    async def go() -> T:
        store = SqliteStore(env["YOUTHVOICE_DATABASE"])
        await store.open()
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(go())


@pytest.fixture
def forum(env: dict[str, str]) -> dict[str, str]:
    """A cohort "North Forum" of 20 young people, and four ideas: two approved, one waiting,
    one set aside. Returns the codes by name."""
    assert run(env, "cohorts", "add", "North Forum").exit_code == 0

    async def work(store: Store) -> dict[str, str]:
        cohort = await store.cohort_by_name("North Forum")
        assert cohort is not None
        await store.join_many(list(range(1000, 1020)), cohort.id, "en", "2026-11-23")
        texts = {
            "bus": "Free bus passes for everyone leaving care until they are 25",
            "hours": "Longer opening hours at the drop-in",
            "waiting": "Cooking lessons",
            "aside": "Something unkind",
        }
        codes: dict[str, str] = {}
        for n, (name, text) in enumerate(texts.items()):
            code = await store.add_idea(text, "2026-11-20", 500 + n)
            assert code is not None
            codes[name] = code
        for name in ("bus", "hours"):
            await store.decide_idea(codes[name], IdeaStatus.APPROVED, "2026-11-21")
        await store.decide_idea(codes["aside"], IdeaStatus.SET_ASIDE, "2026-11-21", why="unkind")
        return codes

    return on_store(env, work)


def test_a_round_opens_for_the_cohort_with_every_approved_idea(
    env: dict[str, str], forum: dict[str, str]
) -> None:
    dry = run(env, "priorities", "open", "--cohort", "North Forum", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Pick up to 3 of 2 ideas and the themes (Money, Home, Feeling safe" in dry.output
    assert forum["bus"] in dry.output and forum["hours"] in dry.output
    assert forum["waiting"] not in dry.output and "unkind" not in dry.output
    assert "for 20 people in North Forum" in dry.output and "Dry run" in dry.output
    opened = run(env, "priorities", "open", "--cohort", "North Forum")
    assert opened.exit_code == 0, opened.output
    assert "Check-in 1 (priorities_1, a priorities round) is open. Queued 20 invitations" in (
        opened.output
    )

    async def look(store: Store) -> tuple[Any, ...]:
        made = await store.made_surveys()
        return made["priorities_1"][0], await store.checkin(1), await store.audit_entries(5)

    kind, checkin, audit = on_store(env, look)
    assert kind == "priorities" and checkin.survey_id == "priorities_1"
    assert checkin.cohort_id is not None
    assert audit[0].action == "opened a priorities round"
    assert f"ideas: {forum['bus']}" in audit[0].detail or forum["bus"] in audit[0].detail
    again = run(env, "priorities", "open", "--cohort", "North Forum", "--ideas", forum["bus"])
    assert "Check-in 2 (priorities_2" in again.output


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("waiting", "is still waiting for a worker, not approved"),
        ("aside", "is set aside, not approved"),
    ],
)
def test_an_idea_that_is_not_approved_is_refused_in_one_line(
    env: dict[str, str], forum: dict[str, str], name: str, said: str
) -> None:
    codes = f"{forum['bus']},{forum[name].upper()}"
    refused = run(env, "priorities", "open", "--cohort", "North Forum", "--ideas", codes)
    assert refused.exit_code == 1
    assert refused.output == (
        f"youthvoice: --ideas: idea {forum[name]} {said}; only approved ideas go into a round\n"
    )
    assert on_store(env, lambda store: store.checkins()) == []


def test_unknown_ideas_and_cohorts_say_where_to_look(
    env: dict[str, str], forum: dict[str, str]
) -> None:
    unknown = run(env, "priorities", "open", "--cohort", "North Forum", "--ideas", "zzzzzz")
    assert unknown.output == "youthvoice: --ideas: no idea 'zzzzzz'; see: youthvoice ideas list\n"
    nowhere = run(env, "priorities", "open", "--cohort", "Nowhere")
    assert nowhere.output == (
        "youthvoice: --cohort: no cohort 'Nowhere'; see: youthvoice cohorts list\n"
    )
    empty = run(env, "priorities", "open", "--cohort", "North Forum", "--ideas", " , ")
    assert empty.exit_code == 1 and "no idea codes given" in empty.output


def test_a_round_for_a_cohort_nobody_joined_is_refused(
    env: dict[str, str], forum: dict[str, str]
) -> None:
    """A priorities round opens now, so one for nobody is refused like any check-in (the dry
    run too), and nothing is opened or kept."""
    assert run(env, "cohorts", "add", "Empty").exit_code == 0
    for extra in (["--dry-run"], ["--yes"]):
        result = run(env, "priorities", "open", "--cohort", "Empty", *extra)
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == (
            "youthvoice: nobody has joined 'Empty' yet, so nobody would be asked; share its "
            "invite link first\n"
        )
    assert on_store(env, lambda store: store.checkins()) == []


def test_a_small_cohort_is_confirmed_first(env: dict[str, str], forum: dict[str, str]) -> None:
    assert run(env, "cohorts", "add", "Tiny").exit_code == 0

    async def three(store: Store) -> None:
        cohort = await store.cohort_by_name("Tiny")
        assert cohort is not None
        await store.join_many([1, 2, 3], cohort.id, "en", "2026-11-23")

    on_store(env, three)
    declined = run(env, "priorities", "open", "--cohort", "Tiny", input="n\n")
    assert "Only 3 people would be asked" in declined.output and declined.exit_code == 1
    assert on_store(env, lambda store: store.checkins()) == []
    agreed = run(env, "priorities", "open", "--cohort", "Tiny", input="y\n")
    assert agreed.exit_code == 0 and "is open" in agreed.output


def test_results_and_the_board_summary_show_the_ranking(
    env: dict[str, str], forum: dict[str, str], tmp_path: Path
) -> None:
    """Once closed: the ranking, biggest first, ties shared; a count of 2 is never shown."""
    assert run(env, "priorities", "open", "--cohort", "North Forum", "--yes").exit_code == 0
    bus = idea_option(forum["bus"])
    picks = [[bus, "money", "home"]] * 9 + [["money", "home", "health"]] * 6
    picks += [["safe", "talk"], ["safe"], ["health"], ["health"], ["health"]]

    async def answer(store: Store) -> None:
        for n, chose in enumerate(picks):
            await store.finish_response(
                f"l{n}", 1, {QUESTION: chose}, "2026-11-23", 700 + n, batch=5
            )

    on_store(env, answer)
    close(Path(env["YOUTHVOICE_DATABASE"]), 1, clock_start() - 60)
    shown = run(env, "results", "1")
    assert shown.exit_code == 0, shown.output
    out = shown.output
    assert "What matters most, by how many picked it (20 asked, up to 3 each):" in out
    assert " =1. Money: 15 (75%)\n =1. Home: 15 (75%)\n" in out
    assert f" =3. Free bus passes for everyone… [idea {forum['bus']}]: 9 (45%)" in out
    assert " =3. Health: 9 (45%)" in out
    assert "Feeling safe (fewer than 5)" in out and "Someone to talk to (fewer than 5)" in out
    assert ": 2 " not in out and ": 1 " not in out
    word = tmp_path / "board.docx"
    exported = run(env, "export", "1", "--format", "docx", "--out", str(word))
    assert exported.exit_code == 0, exported.output
    text = "\n".join(p.text for p in docx.Document(str(word)).paragraphs)
    assert "What matters most\nWhat matters most, by how many picked it" in text
    assert "=1. Money: 15 (75%)" in text and "Feeling safe (fewer than 5)" in text
    md = tmp_path / "board.md"
    assert run(env, "export", "1", "--format", "md", "--out", str(md)).exit_code == 0
    assert "## What matters most" in md.read_text()


def test_a_round_shows_its_ideas_to_staff_with_contact_details_taken_out(
    env: dict[str, str], forum: dict[str, str]
) -> None:
    """Regression: ``priorities open`` listed an approved idea's words as written, phone
    number and all; staff now read them as in exports and /newideas."""

    async def approve(store: Store) -> str:
        code = await store.add_idea("Text 07700 900123 or jo@example.com about buses", "", 9)
        assert code is not None
        await store.decide_idea(code, IdeaStatus.APPROVED, "2026-11-21")
        return code

    code = on_store(env, approve)
    shown = run(env, "priorities", "open", "--cohort", "North Forum", "--ideas", code, "--dry-run")
    assert shown.exit_code == 0, shown.output
    assert f"{code}  Text [phone number removed] or [email removed] about buses" in shown.output
    assert "07700" not in shown.output and "jo@" not in shown.output


def test_a_ranking_is_not_led_by_a_nothing_to_report_line(
    env: dict[str, str], forum: dict[str, str], tmp_path: Path
) -> None:
    """Regression: when all of a few picked the same things, the board summary, the Markdown
    and the workbook said "No figure is large enough to report yet." just above the ranking
    they then showed. (Fewer than 2K all alike now hides the question whole; 2K show.)"""
    assert run(env, "priorities", "open", "--cohort", "North Forum", "--yes").exit_code == 0
    bus = idea_option(forum["bus"])

    async def answer(store: Store) -> None:
        for n in range(10):
            await store.finish_response(
                f"l{n}", 1, {QUESTION: [bus, "money"]}, "2026-11-23", 700 + n, batch=5
            )

    on_store(env, answer)
    close(Path(env["YOUTHVOICE_DATABASE"]), 1, clock_start() - 60)
    ranked = " =1. Money: 10 (100%)"
    for kind in ("docx", "md", "xlsx"):
        out = tmp_path / f"board.{kind}"
        exported = run(env, "export", "1", "--format", kind, "--out", str(out))
        assert exported.exit_code == 0, exported.output
        if kind == "docx":
            text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
        elif kind == "md":
            text = out.read_text()
        else:
            sheet = openpyxl.load_workbook(out)["Summary"]
            text = "\n".join(str(row[0]) for row in sheet.iter_rows(values_only=True))
        assert ranked.strip() in text, (kind, text)
        assert "No figure is large enough" not in text, kind


def test_an_idea_in_an_open_round_is_not_set_aside_or_merged_until_it_closes(
    env: dict[str, str], forum: dict[str, str]
) -> None:
    """Young people are reading an idea's words in an open round: setting it aside (or merging
    it) then would not take the words back, so it waits until the round closes, and says so."""
    assert run(env, "priorities", "open", "--cohort", "North Forum", "--yes").exit_code == 0
    bus, hours = forum["bus"], forum["hours"]
    refused = run(env, "ideas", "set-aside", bus, "--why", "names a worker")
    assert refused.exit_code == 1
    assert refused.output.startswith(
        f"youthvoice: idea {bus}: young people are reading it in the priorities round "
        "(check-in 1), open until "
    )
    assert refused.output.endswith("; decide once it closes\n")
    merged = run(env, "ideas", "merge", bus, hours)
    assert merged.exit_code == 1 and "priorities round (check-in 1)" in merged.output
    statuses = on_store(env, lambda store: store.ideas(()))
    assert {i.id: i.status for i in statuses}[bus] is IdeaStatus.APPROVED

    close(Path(env["YOUTHVOICE_DATABASE"]), 1, clock_start() - 60)
    later = run(env, "priorities", "open", "--cohort", "North Forum", "--ideas", hours)
    assert later.exit_code == 0, later.output
    freed = run(env, "ideas", "set-aside", bus, "--why", "names a worker")
    assert freed.exit_code == 0, freed.output  # its round closed; the new one holds only hours
    close(Path(env["YOUTHVOICE_DATABASE"]), 2, clock_start() - 60)
    assert run(env, "ideas", "set-aside", hours, "--why", "done already").exit_code == 0
