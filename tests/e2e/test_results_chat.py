"""/results and /export in Telegram, through the real bot and the emulator: a lead chooses a
check-in with buttons and gets a summary and a chart, or a file; the files sent are fetched back
and opened. A young person and a worker trying the same get the ordinary reply to a command the
bot does not know, and nothing happens."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from PIL import Image

from bot.actions.button_data import ExportOf, ResultsOf, encode
from bot.emulator import Emulator, SimUser
from bot.emulator.messages import FileInfo
from bot.reports.table import day
from flows.messages import say
from tests.bot.answers_seed import finished
from tests.conftest import TOKEN, Clock, Harness, make_settings, unknown

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(60), pytest.mark.both_databases]


class Staffed(Harness):
    lead: SimUser
    worker: SimUser


@pytest.fixture
async def yv(tmp_path: Path, database_settings: dict[str, Any]) -> AsyncIterator[Staffed]:
    """A running bot with one lead and one worker, check-in 1 with 12 finished responses and
    check-in 2 with 3, both closed; check-in 3, still open, with 12."""
    clock = Clock()
    async with Emulator(token=TOKEN, rate_limits=False, clock=clock) as emu:
        lead, worker = emu.user("Lee"), emu.user("Wyn")
        settings = make_settings(
            tmp_path,
            api_url=emu.base_url,
            leads=frozenset({lead.id}),
            workers=frozenset({worker.id}),
            **database_settings,
        )
        harness = Staffed(emu, settings, clock)
        harness.lead, harness.worker = lead, worker
        await harness.start()
        try:
            for people in (12, 3):
                checkin = await harness.open_checkin(closes_in=60)
                await finished(harness.store, checkin.id, people, seed=people)
            clock.advance(120)
            checkin = await harness.open_checkin(closes_in=7 * 86_400)
            await finished(harness.store, checkin.id, 12, seed=4)
            yield harness
        finally:
            await harness.stop()


def fetched(emu: Emulator, info: FileInfo | None) -> bytes:
    assert info is not None
    return emu.file_bytes(info.file_id)


async def test_results_shows_a_summary_and_a_chart(yv: Staffed) -> None:
    lead = yv.lead
    await lead.send("/results")
    choose = await lead.next_reply()
    assert choose.text.endswith("\n\nWhich check-in's results?")
    opened = day(yv.clock.start, yv.settings.zone)
    assert choose.button_texts == [
        f"How are things? (check-in 2) · {opened}",
        f"How are things? (check-in 1) · {opened}",
    ]
    await lead.tap_data(encode(ResultsOf(1)), choose.message_id)
    summary, chart = await lead.replies(2)
    assert summary.edited and summary.buttons == []
    assert "How are things? (check-in 1)" in summary.text
    assert "12 people took part." in summary.text
    assert "What stands out:\n• " in summary.text
    assert chart.photo is not None and "every question (check-in 1)" in chart.text
    with Image.open(io.BytesIO(fetched(yv.emu, chart.photo))) as image:
        assert image.format == "PNG" and image.width == 1200 and image.height > 1500
    assert (chart.photo.width, chart.photo.height) == (1200, image.height)
    entries = await yv.store.audit_entries(5)
    assert (entries[0].who, entries[0].action) == (f"staff {lead.id}", "viewed results")


async def test_hidden_results_are_said_plainly_and_not_drawn(yv: Staffed) -> None:
    lead = yv.lead
    await lead.send("/results")
    choose = await lead.next_reply()
    await lead.tap_data(encode(ResultsOf(2)), choose.message_id)
    summary = await lead.next_reply()
    assert "Results stay hidden until at least 5 people have finished" in summary.text
    assert "So far: fewer than 5 people." in summary.text
    await lead.assert_no_reply(0.5)


async def test_export_sends_each_format_as_a_document(yv: Staffed) -> None:
    """Check-in, then format, then the file: CSV parses, Excel and Word open, the charts are a
    PNG; each named after the check-in, each export audit-logged."""
    lead, emu = yv.lead, yv.emu
    opened: dict[str, bytes] = {}
    for words in ("CSV", "Excel", "Word", "Charts"):
        await lead.send("/export")
        choose = await lead.next_reply()
        assert choose.text.endswith("Which check-in do you want to export?")
        await lead.tap(choose.button_texts[-1])  # the oldest: check-in 1
        formats = await lead.next_reply()
        assert formats.button_texts == ["CSV", "Excel", "Word", "Charts", "« Back"]
        await lead.tap(words)
        making, document, done = await lead.replies(3, timeout=20)
        assert making.text == f"Making the {words} file for check-in 1…"
        assert document.document is not None
        assert document.document.filename.startswith("youthvoice-checkin-1-how-are-things.")
        assert done.text == f"Here is the {words} file for check-in 1."
        opened[words] = fetched(emu, document.document)
    rows = list(csv.DictReader(io.StringIO(opened["CSV"].decode("utf-8-sig"))))
    assert all(
        r["count"] in ("hidden", "fewer than 5") or int(r["count"]) in (0, *range(5, 13))
        for r in rows
    )
    book = openpyxl.load_workbook(io.BytesIO(opened["Excel"]))
    assert book["Summary"]["A3"].value == "12 people took part."
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(opened["Word"])).paragraphs)
    assert "What we did about it\nNo update yet." in text
    assert Image.open(io.BytesIO(opened["Charts"])).width == 1200
    actions = [e.action for e in await yv.store.audit_entries(50) if e.who == f"staff {lead.id}"]
    assert actions.count("exported results") == 4


async def test_export_back_and_hidden_results(yv: Staffed) -> None:
    lead = yv.lead
    await lead.send("/export")
    choose = await lead.next_reply()
    await lead.tap(choose.button_texts[0])  # the newest: check-in 2, 3 responses
    await lead.next_reply()
    await lead.tap("« Back")
    back = await lead.next_reply()
    assert back.text.endswith("Which check-in do you want to export?") and len(back.buttons) == 2
    await lead.tap(back.button_texts[0])
    await lead.next_reply()
    await lead.tap("Excel")
    _making, refused = await lead.replies(2)
    assert refused.text == (
        "Sorry, no file: check-in 2 has fewer than 5 finished responses, so its results stay "
        "hidden until more people have taken part."
    )
    await lead.assert_no_reply(0.3)


async def test_a_stale_button_gets_a_kind_answer(yv: Staffed) -> None:
    lead = yv.lead
    await lead.send("/results")
    choose = await lead.next_reply()
    await lead.tap_data(encode(ResultsOf(99)), choose.message_id)
    gone = await lead.next_reply()
    assert gone.text == "That check-in is not there any more. Send /results to choose again."
    await lead.tap_data(encode(ExportOf(99)), choose.message_id)
    gone = await lead.next_reply()
    assert gone.text == "That check-in is not there any more. Send /export to choose again."


async def test_young_people_and_workers_get_the_ordinary_reply(yv: Staffed) -> None:
    """/results and /export from someone who is not a lead: the same reply as any command the
    bot does not know; pressing a forged results button only says it has expired."""
    young = yv.emu.user("Sam")
    for person in (young, yv.worker):
        await person.send("/nosuchcommand")
        assert (await person.next_reply()).text == unknown("/nosuchcommand")
        for command in ("/results", "/export"):
            await person.send(command)
            assert (await person.next_reply()).text == unknown(command)
        for press in (ResultsOf(1), ExportOf(1, "csv")):
            await person.tap_data(encode(press))
        await person.assert_no_reply(0.5)
        assert person.toasts()[-2:] == [say("button_expired", "en")] * 2
        assert not [m for m in person.messages() if m.photo or m.document]
    staff_actions = [e.who for e in await yv.store.audit_entries(50)]
    assert f"staff {young.id}" not in staff_actions
    assert f"staff {yv.worker.id}" not in staff_actions


async def test_open_checkin_is_not_offered_and_says_when_results_show(yv: Staffed) -> None:
    """Regression: /results and /export offered an open check-in, whose results changed as
    each person finished (so two looks told apart what one person said). Its results wait
    until it closes: the list says when, and a press on its button (from an old list) says
    the same and sends no chart or file."""
    lead = yv.lead
    for command in ("/results", "/export"):
        await lead.send(command)
        choose = await lead.next_reply()
        assert choose.text.startswith(
            "How are things? (check-in 3) is still open. Results show when the check-in closes on "
        )
        assert "and at least 5 have finished." in choose.text
        assert not any("check-in 3" in words for words in choose.button_texts)
    await lead.tap_data(encode(ResultsOf(3)), choose.message_id)
    waiting = await lead.next_reply()
    assert waiting.text.startswith("How are things? (check-in 3) is still open. Results show")
    await lead.tap_data(encode(ExportOf(3, "csv")), choose.message_id)
    _making, refused = await lead.replies(2)
    assert refused.text.startswith("Sorry, no file: check-in 3 is still open. Results show")
    await lead.assert_no_reply(0.3)
    assert not [m for m in lead.messages() if m.photo or m.document]
