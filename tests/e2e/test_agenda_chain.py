"""Young people set the agenda, the whole way round, through the real bot and the emulator.

Ash sends an idea with /idea (with a phone number in it); Bo sends one that names a worker.
Wren, a worker, approves Ash's in /newideas and sets Bo's aside with a reason; nobody young
ever sees the set-aside one, in /ideas or in the round. Lee, a lead, opens a priorities round
for the Forum in Telegram with the approved idea beside the standing themes; five of the
seven young people pick up to three, and once the round closes its ranking shows in
``youthvoice results``, in /results and in the board summary, the idea first and its words
redacted. Lee adds two actions for the top priorities on the command line and changes their
status; Ash's /plan shows them, then marks what changed. A joint review asks the Forum
whether each action is happening: most say the "done" one is not, and that gap shows first in
``youthvoice results``, in /results and in the board summary (read back from the Word file).
At the end, no table ties an idea or a review answer to anyone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import Result

from bot.actions.button_data import ResultsOf, encode
from bot.emulator import SimUser
from flows.messages import say
from storage.base import IdeaStatus
from tests.conftest import Harness, staff_running
from tests.database import assert_no_row_ties, db_rows
from tests.e2e.test_ideas import assert_no_table_ties_an_idea_to_a_person, button_with
from tests.e2e.test_priorities_round import pick
from tests.e2e.test_review import answer
from tests.e2e.test_staff_newcheckin import tap_on

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(120), pytest.mark.both_databases]

DAY = 86_400.0
MINUTE = 60.0
FORUM = "FORUM123"
ASH_IDEA = "Free bus passes to get to college. Text me on 07700 900123"
ASH_REDACTED = "Free bus passes to get to college. Text me on [phone number removed]"
BO_IDEA = "My worker Dave never rings back, sack him"
IDEA_BUTTON = "Free bus passes to get to…"  # the idea's first words, as a button shows them


async def cli(yv: Harness, *args: str) -> Result:
    """``youthvoice ARGS`` on the running bot's database and settings, on its clock (in a
    thread: click's runner runs its own event loop); it must succeed."""
    result = await yv.cli(*args)
    assert result.exit_code == 0, result.output
    return result


async def lead_results(lead: SimUser, checkin_id: int) -> str:
    """/results, then the check-in's button: the summary a lead reads in the chat."""
    await lead.send("/results")
    choose = await lead.next_reply()
    await lead.tap_data(encode(ResultsOf(checkin_id)), choose.message_id)
    summary, _chart = await lead.replies(2, timeout=20)
    return summary.text


async def board_summary(yv: Harness, checkin_id: int, out: Path) -> list[str]:
    """The board summary's paragraphs, exported and opened again as a board member would."""
    await cli(yv, "export", str(checkin_id), "--format", "docx", "--out", str(out))
    return [p.text for p in docx.Document(str(out)).paragraphs]


async def test_an_idea_becomes_a_priority_an_action_and_a_reviewed_gap(
    tmp_path: Path, database_settings: dict[str, Any]
) -> None:
    # K is 3, so seven young people are enough to show every count below.
    async with staff_running(tmp_path, min_group=3, **database_settings) as staff:
        yv, wren, lee = staff.yv, staff.worker, staff.lead
        await yv.cohort("Forum", FORUM)
        names = ("Ash", "Bo", "Cy", "Di", "Eve", "Fay", "Gus")
        people = [await yv.joined(name, FORUM) for name in names]
        ash, bo = people[0], people[1]

        # 1. Two ideas, in young people's own words.
        await ash.send(f"/idea {ASH_IDEA}")
        assert (await ash.next_reply()).text == say("idea_thanks", "en")
        await bo.send("/idea")
        assert (await bo.next_reply()).text == say("idea_ask", "en")
        await bo.send(BO_IDEA)
        assert (await bo.next_reply()).text == say("idea_thanks", "en")

        # 2. Wren approves Ash's (read with the number taken out) and sets Bo's aside.
        await wren.send("/newideas")
        listed = (await wren.next_reply()).text
        assert ASH_REDACTED in listed and "07700" not in listed
        await tap_on(wren, button_with(wren, "Free bus"))
        assert "Approve idea" in await tap_on(wren, "✅ Approve")
        await wren.tap("✅ Confirm")
        assert "approved. 1 new idea still waiting" in (await wren.replies(2))[1].text
        await wren.send("/newideas")
        await wren.next_reply()
        await tap_on(wren, button_with(wren, "Dave"))
        assert "Why set it aside?" in await tap_on(wren, "🗂 Set aside")
        await wren.send("Names a worker")
        assert "Reason: Names a worker" in (await wren.next_reply()).text
        await wren.tap("✅ Confirm")
        assert "set aside. No new ideas are waiting." in (await wren.replies(2))[1].text
        [idea] = await yv.store.ideas([IdeaStatus.APPROVED])

        # Young people see the approved idea, redacted, and never the set-aside one.
        for person in (ash, bo):
            await person.send("/ideas")
            seen = (await person.next_reply()).text
            assert f"• {ASH_REDACTED}" in seen
            assert "Dave" not in seen and "sack" not in seen

        # 3. Lee opens a priorities round for the Forum in Telegram: the idea and the themes.
        await lee.send("/priorities")
        await lee.next_reply()
        await tap_on(lee, "Forum")
        await tap_on(lee, "All 1 approved idea")
        preview = await tap_on(lee, "3 days")
        assert f"• {ASH_REDACTED} ({idea.id})" in preview and "07700" not in preview
        assert "Themes: Money, Home, Feeling safe" in preview
        await lee.tap("✅ Open it")
        opened = (await lee.replies(2))[1].text
        assert opened.startswith("Priorities round open (check-in 1): 7 invitations queued.")

        # 4. Six of them pick up to three (six: all alike under 2K would hide it); Gus lets
        # it pass.
        for number, person in enumerate(people):
            invite = await person.next_reply()
            assert invite.text == say("invitation", "en", title="What matters most")
            if person.name == "Gus":
                continue
            await person.tap("Start")
            _intro, question = await person.replies(2)
            assert f"• {ASH_REDACTED}" in question.text
            assert "Dave" not in question.text  # set aside: never in a round
            assert question.button_texts[0] == IDEA_BUTTON and "Money" in question.button_texts
            chosen = [IDEA_BUTTON, "Money", "Home"] if number < 4 else [IDEA_BUTTON, "Money"]
            await pick(person, chosen)

        # 5. The round closes; the ranking puts the idea first, its words redacted.
        yv.clock.advance(4 * DAY)
        ranked_idea = f" =1. {IDEA_BUTTON} [idea {idea.id}]: 6 (100%)"
        shown = (await cli(yv, "results", "1")).output
        assert ranked_idea in shown and " =1. Money: 6 (100%)" in shown and "07700" not in shown
        # Four picked Home, so two did not: too few to show, so Home is hidden, not ranked.
        assert "Not ranked (counts hidden so nobody can be picked out" in shown
        assert "Home (hidden)" in shown and "Home: 4" not in shown
        in_chat = await lead_results(lee, 1)
        assert "6 people took part (of 7 invited)." in in_chat
        assert ranked_idea in in_chat and "Home (hidden)" in in_chat
        # The ranking is what the round found: no "nothing to report" line before it.
        assert "No figure is large enough" not in in_chat
        board = await board_summary(yv, 1, tmp_path / "round.docx")
        assert "What matters most" in board
        assert ranked_idea.strip() in board
        assert not any("No figure is large enough" in p or "07700" in p for p in board)

        # 6. Lee adds actions for the top priorities; Ash's /plan shows them.
        await cli(yv, "plan", "add", "--priority", "Free bus passes", "--what",
                  "Ask the council for free bus passes", "--role", "Leaving care manager",
                  "--by", "2027-01-31", "--cohort", "Forum")  # fmt: skip
        await cli(yv, "plan", "add", "--priority", "Money", "--what", "A money workshop",
                  "--role", "Personal adviser", "--cohort", "Forum")  # fmt: skip
        await ash.send("/plan")
        first = (await ash.next_reply()).text
        assert "• Ask the council for free bus passes\n📅 Planned, to be done by" in first
        assert "• A money workshop\n📅 Planned, not started yet" in first
        assert "🆕" not in first
        yv.clock.advance(MINUTE)
        done = (await cli(yv, "plan", "status", "1", "done")).output
        assert 'This "you said, we did" update is ready' in done  # offered, pre-filled
        assert """--you-said '"Free bus passes" should be a priority.'""" in done
        await cli(yv, "plan", "status", "2", "in_progress")
        yv.clock.advance(MINUTE)
        await ash.send("/plan")
        second = (await ash.next_reply()).text
        assert "🆕 Changed: Ask the council for free bus passes\n✅ Done" in second
        assert "🆕 Changed: A money workshop" in second

        # 7. A joint review: most say the "done" action is not happening.
        opened = (await cli(yv, "review", "open", "--cohort", "Forum", "--open-for", "2d")).output
        assert "Joint review: 2 questions" in opened
        review = int(re.findall(r"Check-in (\d+) ", opened)[0])
        for person in people[:4]:
            await answer(person, ["No", "Yes"])
        for person in people[4:]:
            await answer(person, ["Yes", "Don't know"])

        # 8. The gap shows first: in youthvoice results, in /results, in the board summary.
        yv.clock.advance(3 * DAY)
        gap = "GAP: the plan says done, but most young people said No. Action 1:"
        shown = (await cli(yv, "results", str(review))).output
        assert "1 action has a gap" in shown and f"- {gap}" in shown
        assert shown.index(gap) < shown.index("Action 2:")
        in_chat = (await lead_results(lee, review)).split("\n")
        heading = in_chat.index(
            "1 action has a gap: the plan says it is happening, but most young people said No."
        )
        assert in_chat[heading + 1].startswith(f"• {gap}")
        board = await board_summary(yv, review, tmp_path / "review.docx")
        heading = board.index("Is the plan happening? Gaps first")
        assert board[heading + 1].startswith("1 action has a gap")
        assert board[heading + 2].startswith(gap)

        # 9. Nothing ties an idea or a review answer to a person.
        chat_ids = [person.id for person in people]
        assert_no_table_ties_an_idea_to_a_person(yv, chat_ids)
        assert_no_table_ties_an_answer_to_a_person(yv, review, chat_ids)


def assert_no_table_ties_an_answer_to_a_person(
    yv: Harness, checkin_id: int, chat_ids: list[int]
) -> None:
    """The review's answers carry a random response id, the question, the value and a date;
    no row of any table holding one of those response ids also holds a chat id, and nobody's
    answers wait half-done."""
    database = yv.settings.database
    rows = db_rows(
        database, "SELECT response_id, value FROM answers WHERE checkin_id = ?", checkin_id
    )
    assert len({response for response, _ in rows}) == 7
    assert all(re.fullmatch(r"[0-9a-f]{32}", response) for response, _ in rows)
    assert_no_row_ties(database, {response for response, _ in rows}, chat_ids)
    assert db_rows(database, "SELECT COUNT(*) FROM progress") == [(0,)]
