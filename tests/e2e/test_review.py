"""The joint review end to end, through the real bot and the emulator: plan actions are added,
a lead opens a review from the command line while the bot runs, young people answer "Is this
happening?" for each action (one in Welsh), the review closes, and the gap between the plan's
status and what they said shows first in `youthvoice results`, in /results and in the board
summary file (read back)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
import pytest

from bot.actions.button_data import ResultsOf, encode
from bot.emulator import Emulator, SimUser
from storage.base import NewPlanAction, PlanAction, UpdateStatus
from tests.conftest import (
    TOKEN,
    Clock,
    Harness,
    PlanHarness,
    StaffBot,
    make_settings,
    unknown,
)
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(120), pytest.mark.both_databases]

CODE = "NORTH123"


class Reviewed(Harness):
    lead: SimUser


@pytest.fixture
async def yv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_settings: dict[str, Any]
) -> AsyncIterator[Reviewed]:
    """A running bot with a lead, K = 3, and a cohort "North" to join."""
    monkeypatch.chdir(tmp_path)
    clock = Clock()
    async with Emulator(token=TOKEN, rate_limits=False, clock=clock) as emu:
        lead = emu.user("Lee")
        settings = make_settings(
            tmp_path,
            api_url=emu.base_url,
            leads=frozenset({lead.id}),
            min_group=3,
            **database_settings,
        )
        harness = Reviewed(emu, settings, clock)
        harness.lead = lead
        await harness.start()
        try:
            yield harness
        finally:
            await harness.stop()


async def action(yv: Harness, what: str, status: UpdateStatus, cohort_id: Any) -> PlanAction:
    new = NewPlanAction("Money", what, "Leaving care manager", None, status, cohort_id, "cli", 0.0)
    added: PlanAction = await yv.store.add_plan_action(new)
    return added


async def tap_on(person: SimUser, label: str) -> str:
    """Press a wizard button; returns the new message it brings (the pressed one is edited)."""
    await person.tap(label)
    _edited, shown = await person.replies(2)
    return shown.text


async def answer(person: SimUser, labels: list[str]) -> None:
    """Start the review from its invitation and tap one answer per question."""
    invite = await person.next_reply()
    assert "Is the plan happening?" in invite.text or "Ydy'r cynllun" in invite.text
    await person.tap(invite.button_texts[0])
    _intro, question = await person.replies(2)
    for number, label in enumerate(labels):
        assert label in question.button_texts, person.transcript()
        await person.tap(label)
        if number < len(labels) - 1:
            _answered, question = await person.replies(2)
    _answered, thanks = await person.replies(2)
    assert thanks.text.startswith(("Thank you.", "Diolch.")), person.transcript()


async def test_a_gap_shows_first_in_results_in_chat_and_in_the_board_summary(
    yv: Reviewed, tmp_path: Path
) -> None:
    north = await yv.cohort("North", CODE)
    grant = await action(yv, "Ask the council for a bigger grant", UpdateStatus.DONE, north.id)
    dropin = await action(yv, "A drop-in every Tuesday", UpdateStatus.IN_PROGRESS, None)
    advisers = await action(yv, "Training for advisers", UpdateStatus.PLANNED, north.id)
    await action(yv, "Free bus passes", UpdateStatus.COULDNT, north.id)
    people = [await yv.joined(f"Young person {n}", CODE) for n in range(7)]
    await people[0].send("/language")
    await people[0].replies(1)
    await people[0].tap("Cymraeg")
    await people[0].replies(1)

    opened = await yv.cli("review", "open", "--cohort", "North", "--open-for", "2d")
    assert opened.exit_code == 0, opened.output
    assert "Joint review: 3 questions" in opened.output
    assert "Left out: 1 action marked couldn't happen." in opened.output
    checkin_id = int(re.findall(r"Check-in (\d+) ", opened.output)[0])

    # The grant (done): 4 No, 3 Yes, a gap. The drop-in (in progress): 4 Yes, 3 No. The
    # advisers (planned): 4 No, 3 Don't know, no gap (the plan does not say it is happening).
    await answer(people[0], ["Nac ydy", "Ydy", "Nac ydy"])  # Welsh: No, Yes, No
    for person in people[1:4]:
        await answer(person, ["No", "Yes", "No"])
    for person in people[4:]:
        await answer(person, ["Yes", "No", "Don't know"])

    yv.clock.advance(3 * 86_400)
    shown = await yv.cli("results", str(checkin_id))
    assert shown.exit_code == 0, shown.output
    text = shown.output
    assert "1 action has a gap" in text
    gap_line = f"- GAP: the plan says done, but most young people said No. Action {grant.id}:"
    assert gap_line in text
    assert text.index(gap_line) < text.index(f"Action {dropin.id}:")
    assert text.index(f"Action {dropin.id}:") < text.index(f"Action {advisers.id}:")
    assert "Yes 3, A bit 0, No 4, Don't know 0 (asked 7)" in text
    assert "Main findings" not in text  # the review's lines are its findings

    # A lead in Telegram: the gap comes before anything else the summary says.
    lead = yv.lead
    await lead.send("/results")
    choose = await lead.next_reply()
    await lead.tap_data(encode(ResultsOf(checkin_id)), choose.message_id)
    summary, _chart = await lead.replies(2, timeout=20)
    assert "7 people took part (of 7 invited)." in summary.text
    lines = summary.text.split("\n")
    gaps = lines.index(
        "1 action has a gap: the plan says it is happening, but most young people said No."
    )
    assert lines[gaps + 1].startswith("• GAP: the plan says done, but most young people said No.")
    assert lines[gaps - 2] == "7 people took part (of 7 invited)."
    assert "What stands out:" not in lines

    # The board summary (Word), opened again as a board member would.
    out = tmp_path / "board.docx"
    exported = await yv.cli("export", str(checkin_id), "--format", "docx", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    heading = paragraphs.index("Is the plan happening? Gaps first")
    assert paragraphs[heading + 1].startswith("1 action has a gap")
    assert paragraphs[heading + 2].startswith("GAP: the plan says done")
    assert paragraphs[heading - 1] == "7 people took part (of 7 invited)."
    assert "What young people told us" not in paragraphs
    assert not any(re.search(r"\b[12] (?:of|said)\b", p) for p in paragraphs)


async def test_a_review_set_for_later_is_opened_by_the_running_bot_in_easy_read(
    yvp: PlanHarness,
) -> None:
    """A review made by a command while the bot runs, for next week: the planner opens it on
    time (the bot loads the survey it did not know), and a young person who reads easy read
    gets its easy-read words."""
    north = await yvp.cohort("North", CODE)
    await action(yvp, "A drop-in every Tuesday", UpdateStatus.IN_PROGRESS, north.id)
    sam = await yvp.joined("Sam", CODE)
    await sam.send("/easyread")
    await sam.replies(3)  # easy read is on: one idea a message
    at = datetime.fromtimestamp(yvp.clock() + 8 * 86_400, yvp.settings.zone)
    made = await yvp.cli(
        "review", "open", "--cohort", "North", "--at", f"{at:%Y-%m-%d %H:%M}", "--yes"
    )
    assert made.exit_code == 0, made.output
    assert "Schedule 1 saved." in made.output
    assert yvp.svc is not None and "review_1" not in yvp.svc.surveys  # made after it started
    yvp.clock.advance(8 * 86_400 + 120)
    await yvp.plan()
    *_, invite = await sam.replies(3)
    await sam.tap(invite.button_texts[0])
    *intro, question = await sam.replies(4)
    assert [m.text for m in intro[1:]] == [
        "We made a plan from what you told us.\nWe want to know if it is really happening.",
        "Nobody sees who said what.",
    ]
    # A question is one message: its words stay with its buttons.
    assert question.text == (
        "1 of 1\n\nWe said we would do this:\nA drop-in every Tuesday\n\nIs it happening?"
    )
    assert question.button_texts == ["Yes", "A little", "No", "I don't know"]
    await sam.tap("A little")
    _answered, *thanks = await sam.replies(3)
    assert [m.text for m in thanks] == [
        "Thank you.\nThe team will see what you said.",
        "We will tell you what changes.",
    ]


async def test_a_lead_opens_a_review_in_telegram_and_a_worker_cannot(
    staff_bot: StaffBot,
) -> None:
    """/review: whose plan, now, how long; the preview lists each action with its status and
    warns that so few can be told apart; Send opens it and the young person is invited. A
    worker typing /review gets the ordinary reply, and a plan with nothing to ask about is
    refused with a button back to the step to change."""
    yv, lee, wren = staff_bot.yv, staff_bot.lead, staff_bot.worker
    north = await yv.cohort("North", CODE)
    await yv.cohort("South", "SOUTH123")
    await action(yv, "A bigger grant", UpdateStatus.DONE, north.id)
    sam = await yv.joined("Sam", CODE)

    await wren.send("/review")
    assert (await wren.next_reply()).text == unknown("/review")

    await lee.send("/review")
    first = await lee.next_reply()
    assert "Whose plan?" in first.text and "North" in first.button_texts
    refused = await tap_on(lee, "South")
    assert "When should it open?" in refused
    assert "How long" in await tap_on(lee, "Now")
    refusal = await tap_on(lee, "3 days")
    assert refusal.startswith("⚠ The plan for the cohort 'South' has no actions to ask about")
    assert "Whose plan?" in await tap_on(lee, "✏️ Change the plan")
    await tap_on(lee, "North")
    await tap_on(lee, "Now")
    preview = await tap_on(lee, "3 days")
    assert "Please check: a joint review of 1 action, one question each:" in preview
    assert "• A bigger grant (Leaving care manager; done)" in preview
    assert "⚠ Only 1 person would be asked." in preview
    await lee.tap("✅ Send")
    _, done = await lee.replies(2)
    assert done.text.startswith("Review open (check-in 1): 1 invitation queued.")
    invite = await sam.next_reply()
    assert "Is the plan happening?" in invite.text
    audit = db_rows(yv.settings.database, "SELECT who, action FROM audit_log ORDER BY id")
    assert audit == [
        (f"staff {lee.id}", "made a joint review"),
        (f"staff {lee.id}", "opened a check-in"),
    ]
