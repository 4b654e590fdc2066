"""A priorities round through the real bot and the emulator: approved ideas become a round a
lead opens from the command line while the bot runs; young people pick up to three (a fourth
pick is refused kindly and loses nothing; a Welsh speaker gets it in Welsh); once it closes
the lead's /results shows the ranking with small counts hidden."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.actions.button_data import ResultsOf, encode
from bot.emulator import SimUser
from flows.messages import say
from storage.base import IdeaStatus
from tests.conftest import staff_running

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(90), pytest.mark.both_databases]

BUS = "Free bus passes for everyone leaving care until they are 25, so college is in reach"
HOURS = "Longer opening hours at the drop-in on Saturdays"
BUS_BUTTON = "Free bus passes for everyone…"


async def pick(person: SimUser, labels: Sequence[str], done: str = "Done ✔") -> None:
    """Tick each label (waiting for each tick to show), then Done: the answer and thanks."""
    for label in labels:
        await person.tap(label)
        ticked = await person.next_reply()
        assert ticked.edited and f"✅ {label}" in ticked.button_texts, person.transcript()
    await person.tap(done)
    await person.replies(2)  # the question shows the answer, then the thanks


async def test_ideas_become_a_round_and_the_lead_sees_the_ranking(
    tmp_path: Path, database_settings: dict[str, Any]
) -> None:
    async with staff_running(tmp_path, **database_settings) as staff:
        yv, lead = staff.yv, staff.lead
        forum = await yv.cohort("Forum", "FORUM123")
        bus = await yv.store.add_idea(BUS, "2026-11-20", 9_000_001)
        hours = await yv.store.add_idea(HOURS, "2026-11-20", 9_000_002)
        aside = await yv.store.add_idea("Something unkind about a worker", "2026-11-20", 9_000_003)
        assert bus and hours and aside
        for code in (bus, hours):
            await yv.store.decide_idea(code, IdeaStatus.APPROVED, "2026-11-21")
        await yv.store.decide_idea(aside, IdeaStatus.SET_ASIDE, "2026-11-21", why="unkind")
        # Ten in all: fewer than 2K all picking one idea would hide the ranking whole.
        names = ("Ash", "Bo", "Cy", "Di", "Ed", "Fi", "Gil", "Hal", "Ivy")
        people = [await yv.joined(name, "FORUM123") for name in names]
        cai = yv.emu.user("Cai", language_code="cy")
        await cai.send("/start FORUM123")
        await cai.next_reply()
        await cai.tap("Ydw, dw i eisiau ymuno")
        await cai.replies(2)

        # A set-aside idea is refused; the round is opened with the approved ones.
        refused = await yv.cli("priorities", "open", "--cohort", "Forum", "--ideas", aside)
        assert refused.exit_code == 1 and "is set aside, not approved" in refused.output
        opened = await yv.cli("priorities", "open", "--cohort", forum.name)
        assert opened.exit_code == 0, opened.output
        assert "Queued 10 invitations" in opened.output

        # Ash: three picks, a fourth refused kindly, the three kept.
        ash = people[0]
        invite = await ash.next_reply()
        assert invite.text == say("invitation", "en", title="What matters most")
        await ash.tap("Start")
        intro, question = await ash.replies(2)
        assert "Ideas from young people are under the question" in intro.text
        assert question.text.startswith(
            "1 of 1\n\nWhat should change first? Pick up to 3, then tap Done.\n\n• "
        )
        assert f"• {BUS}" in question.text and f"• {HOURS}" in question.text
        assert "unkind" not in question.text
        assert BUS_BUTTON in question.button_texts and "Money" in question.button_texts
        assert all(len(label) <= 32 for label in question.button_texts)
        for label in (BUS_BUTTON, "Money", "Home"):
            await ash.tap(label)
            await ash.next_reply()
        await ash.tap("Feeling safe")
        await ash.assert_no_reply(0.5)
        assert ash.toasts()[-1] == (
            "You can pick up to 3. Tap one you picked to untick it, then pick another."
        )
        kept = ash.messages()[-1]
        assert [t for t in kept.button_texts if t.startswith("✅")] == [
            f"✅ {BUS_BUTTON}",
            "✅ Money",
            "✅ Home",
        ]
        await ash.tap("Done ✔")
        answered, thanks = await ash.replies(2)
        assert answered.text.endswith(f"✔ {BUS_BUTTON}, Money, Home")
        assert thanks.text.startswith("Thank you. We'll tell you what comes out on top")

        for person, labels in zip(
            people[1:],
            [[BUS_BUTTON, "Money", "Home"]] * 2 + [[BUS_BUTTON, "Money"]] * 6,
            strict=True,
        ):
            await person.next_reply()
            await person.tap("Start")
            await person.replies(2)
            await pick(person, labels)

        # Cai reads it in Welsh: the themes in Welsh, the ideas in their writers' words.
        await cai.next_reply()
        await cai.tap("Dechrau")
        intro, question = await cai.replies(2)
        assert "Mae syniadau gan bobl ifanc o dan y cwestiwn" in intro.text
        assert "Beth ddylai newid gyntaf? Dewisa hyd at 3" in question.text
        assert {"Arian", "Cartref", "Teimlo'n ddiogel", BUS_BUTTON} <= set(question.button_texts)
        await pick(cai, [BUS_BUTTON, "Arian", "Teimlo'n ddiogel"], done="Wedi gorffen ✔")

        # The round closes; the lead sees the ranking, the small counts hidden.
        yv.clock.advance(8 * 86_400)
        await lead.send("/results")
        choose = await lead.next_reply()
        assert choose.button_texts[0].startswith("What matters most (check-in 1)")
        await lead.tap_data(encode(ResultsOf(1)), choose.message_id)
        summary, _chart = await lead.replies(2)
        text = summary.text
        assert "10 people took part" in text
        assert "What matters most, by how many picked it (10 asked, up to 3 each):" in text
        assert f" =1. {BUS_BUTTON} [idea {bus}]: 10 (100%)" in text
        assert " =1. Money: 10 (100%)" in text
        assert "Home (fewer than 5)" in text and "Feeling safe (fewer than 5)" in text
        assert ": 3" not in text and ": 1 " not in text
        assert f"Longer opening hours at the… [idea {hours}]" in text  # picked by nobody


async def test_a_lead_opens_a_round_in_telegram(
    tmp_path: Path, database_settings: dict[str, Any]
) -> None:
    """/priorities: who, which approved ideas (ticked), how long; the preview lists the ideas
    and warns that a group of three is small; confirmed, the three are invited and the audit
    log names the lead. A worker has no such command."""
    async with staff_running(tmp_path, **database_settings) as staff:
        yv, lead = staff.yv, staff.lead
        await yv.cohort("Forum", "FORUM123")
        bus = await yv.store.add_idea(BUS, "2026-11-20", 9_000_001)
        hours = await yv.store.add_idea(HOURS, "2026-11-20", 9_000_002)
        waiting = await yv.store.add_idea("Cooking lessons", "2026-11-20", 9_000_003)
        assert bus and hours and waiting
        for code in (bus, hours):
            await yv.store.decide_idea(code, IdeaStatus.APPROVED, "2026-11-21")
        people = [await yv.joined(name, "FORUM123") for name in ("Ash", "Bo", "Cy")]

        await lead.send("/priorities")
        who = await lead.next_reply()
        assert who.text == "🗳 New priorities round. Who is it for?"
        await lead.tap("Forum")
        ideas = (await lead.replies(2))[1]
        assert ideas.button_texts[:3] == [
            "All 2 approved ideas",
            "Choose which ideas",
            "Only the standing themes",
        ]
        await lead.tap("Choose which ideas")
        ticks = (await lead.replies(2))[1]
        assert f"Cooking lessons ({waiting})" not in ticks.button_texts  # not approved
        await lead.tap(f"{BUS_BUTTON} ({bus})")
        await lead.next_reply()  # the tick
        await lead.tap("Done ✔")
        await lead.replies(2)
        await lead.tap("3 days")
        preview = (await lead.replies(2))[1]
        assert preview.text.startswith("Please check: a priorities round, pick up to 3")
        assert f"({bus})" in preview.text and f"({hours})" not in preview.text
        assert "⚠ Only 3 people would be asked." in preview.text
        await lead.tap("✅ Open it")
        done = (await lead.replies(2))[1]
        assert done.text == (
            "Priorities round open (check-in 1): 3 invitations queued. Once it closes, "
            "/results shows the ranking."
        )
        for person in people:
            invite = await person.next_reply()
            assert invite.text == say("invitation", "en", title="What matters most")
        entries = [(e.who, e.action) for e in await yv.store.audit_entries(5)]
        assert (f"staff {lead.id}", "opened a priorities round") in entries
