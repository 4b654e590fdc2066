"""Ideas end to end: young people send ideas with /idea (the safety net first), a worker reads
them in /newideas and approves, merges and sets aside (with a reason, in the audit log), and
young people see in /ideas how many wait and the approved ones: never a set-aside idea, never
a small count, and no table ties an idea to a person."""

from __future__ import annotations

import pytest

from bot.actions import moderation
from bot.actions.safety import bundled_safety_net
from bot.emulator import SimUser
from flows.messages import say
from storage.base import IdeaStatus
from tests.conftest import Harness, StaffBot, last_update_id, settle, unknown
from tests.database import assert_no_row_ties, column_names, db_rows
from tests.e2e.test_staff_newcheckin import tap_on

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(60), pytest.mark.both_databases]

BIG = 10**12  # update ids for ideas written straight to the store: never a real update's
SUPPORT = bundled_safety_net().support("en")
NOBODY = f"{say('consent_nobody', 'en')}\n\n{bundled_safety_net().contact_list('en')}"
WORRYING = "i dont want to be alive anymore"


def button_with(person: SimUser, words: str) -> str:
    """The label of the button on the newest message that carries ``words``."""
    message = person.last_message()
    assert message is not None
    return next(t for t in message.button_texts if words in t)


async def test_ideas_are_sent_decided_by_a_worker_and_seen_rightly(staff_bot: StaffBot) -> None:
    yv, wren = staff_bot.yv, staff_bot.worker
    sam, jo, alex = await yv.joined("Sam"), await yv.joined("Jo"), await yv.joined("Alex")
    await sam.send("/idea Cheaper bus passes, text me on 07700 900123")
    assert (await sam.next_reply()).text == say("idea_thanks", "en")
    await jo.send("/idea")
    assert (await jo.next_reply()).text == say("idea_ask", "en")
    await jo.send("bus passes cost too much")
    assert (await jo.next_reply()).text == say("idea_thanks", "en")
    await alex.send("/idea something unkind about a worker")
    await alex.next_reply()
    await sam.send("/ideas")
    seen = (await sam.next_reply()).text
    assert say("ideas_waiting_few", "en") in seen and say("ideas_approved_none", "en") in seen

    await wren.send("/newideas")
    listed = (await wren.next_reply()).text
    assert "Cheaper bus passes, text me on [phone number removed]" in listed
    assert "07700" not in listed
    asked = await tap_on(wren, button_with(wren, "Cheaper bus"))
    assert "What would you like to do?" in asked
    assert "Approve idea" in await tap_on(wren, "✅ Approve")
    await wren.tap("✅ Confirm")
    _, done = await wren.replies(2)
    assert "approved. 2 new ideas still waiting: /newideas" in done.text, wren.transcript()

    await wren.send("/newideas")
    await wren.next_reply()
    await tap_on(wren, button_with(wren, "bus passes cost"))
    assert "Merge it into which idea?" in await tap_on(wren, "🔗 Merge with a similar one")
    assert "Merge idea" in await tap_on(wren, button_with(wren, "Cheaper bus"))
    await wren.tap("✅ Confirm")
    assert "merged into" in (await wren.replies(2))[1].text

    await wren.send("/newideas")
    await wren.next_reply()
    await tap_on(wren, button_with(wren, "something unkind"))
    assert "Why set it aside?" in await tap_on(wren, "🗂 Set aside")
    await wren.send("   ")
    assert "say why" in (await wren.next_reply()).text.lower()
    await wren.send("Names a worker")
    preview = (await wren.next_reply()).text
    assert "Reason: Names a worker" in preview
    await wren.tap("✅ Confirm")
    assert "set aside. No new ideas are waiting." in (await wren.replies(2))[1].text

    for person in (sam, jo, alex):
        await person.send("/ideas")
        seen = (await person.next_reply()).text
        assert say("ideas_waiting_none", "en") in seen
        assert "• Cheaper bus passes, text me on [phone number removed]" in seen
        assert "bus passes cost too much" not in seen  # merged: counted, not shown
        assert "unkind" not in seen  # set aside: never shown
        assert "people said this" not in seen  # 2 backers: fewer than K, never a number
    await wren.send("/newideas")
    assert (await wren.next_reply()).text.startswith("No new ideas are waiting")

    database = yv.settings.database
    audit = db_rows(database, "SELECT who, action, detail FROM audit_log")
    who = f"staff {wren.id}"
    assert {(w, a) for w, a, _ in audit} >= {
        (who, "read ideas"),
        (who, "approved an idea"),
        (who, "merged an idea"),
        (who, "set aside an idea"),
    }
    assert any(d.endswith(": Names a worker") for _, a, d in audit if a == "set aside an idea")
    assert not any("bus" in d or "unkind" in d for _, _, d in audit)  # codes only, no words
    assert_no_table_ties_an_idea_to_a_person(yv, [sam.id, jo.id, alex.id])


def assert_no_table_ties_an_idea_to_a_person(yv: Harness, chat_ids: list[int]) -> None:
    """The ideas table holds codes, words, statuses and dates only; no row of any table
    holding an idea's words or code also holds a chat id; no one is left waiting."""
    database = yv.settings.database
    columns = column_names(database, "ideas")
    expected = ["id", "text", "status", "suggested_on", "decided_on", "merged_into", "why"]
    assert columns == [*expected, "backers"]
    codes = [row[0] for row in db_rows(database, "SELECT id FROM ideas")]
    assert_no_row_ties(database, codes, chat_ids)
    assert db_rows(database, "SELECT COUNT(*) FROM idea_waits") == [(0,)]


async def test_merged_ideas_show_how_many_said_it_from_k(yv: Harness) -> None:
    """Five ideas merged into one: "5 people said this" (K is 5); four would say nothing."""
    sam = await yv.joined("Sam")
    assert yv.svc is not None
    codes = [
        await yv.store.add_idea(f"More youth workers {n}", "2026-12-01", BIG + n) for n in range(6)
    ]
    keep = codes[0]
    await moderation.approve(yv.store, yv.settings, keep, "command line", yv.clock())
    for code in codes[1:4]:
        await moderation.merge(yv.store, yv.settings, code, keep, "command line", yv.clock())
    await sam.send("/ideas")
    assert "people said this" not in (await sam.next_reply()).text  # 4: fewer than K
    await moderation.merge(yv.store, yv.settings, codes[4], keep, "command line", yv.clock())
    await sam.send("/ideas")
    seen = (await sam.next_reply()).text
    assert say("ideas_backed", "en", count=5) in seen
    assert say("ideas_waiting_few", "en") in seen  # one still new: "a few", never "1"


async def test_worrying_words_in_an_idea_bring_support_and_are_never_kept(yv: Harness) -> None:
    sam = await yv.joined("Sam")
    await sam.send(f"/idea {WORRYING}")
    support, after = await sam.replies(2)
    assert (support.text, after.text) == (SUPPORT, NOBODY)
    await sam.send("/idea")
    await sam.next_reply()
    await sam.send(WORRYING)
    support, _ = await sam.replies(2)
    assert support.text == SUPPORT
    assert await yv.store.ideas() == []
    await sam.send("A quiet room to study")  # the idea is still awaited
    assert (await sam.next_reply()).text == say("idea_thanks", "en")
    assert [i.text for i in await yv.store.ideas()] == ["A quiet room to study"]


async def test_odd_input_to_idea_gets_a_kind_reply_and_loses_nothing(yv: Harness) -> None:
    stranger = yv.emu.user("Stranger")
    await stranger.send("/idea Free wifi")
    assert (await stranger.next_reply()).text == say("start_first", "en")
    await stranger.send("/ideas")
    assert (await stranger.next_reply()).text == say("start_first", "en")
    sam = await yv.joined("Sam")
    await sam.send("/idea 👍")
    assert (await sam.next_reply()).text == say("idea_empty", "en")
    await sam.send("/idea")
    await sam.next_reply()
    await sam.send_sticker()
    assert (await sam.next_reply()).text == say("text_only", "en")
    sent = await sam.send("Longer opening hours " * 200)  # about 4,200 characters
    cut, thanks = await sam.replies(2)
    assert (cut.text, thanks.text) == (say("idea_long", "en"), say("idea_thanks", "en"))
    await sam.edit(sent["message_id"], "Something else")
    assert (await sam.next_reply()).text == say("edited", "en")
    await sam.send("/idea Free wifi in the flats")
    await sam.next_reply()
    yv.emu.repeat_update(last_update_id(yv.emu))
    await settle(sam)
    await sam.assert_no_reply()
    kept = sorted(i.text for i in await yv.store.ideas())
    assert kept[0] == "Free wifi in the flats" and len(kept) == 2
    assert kept[1].startswith("Longer opening hours") and len(kept[1]) <= 300
    await sam.send("thanks")  # no idea awaited any more: the usual pointer
    assert (await sam.next_reply()).text == say("nothing_to_answer", "en")


async def test_a_checkin_ends_the_wait_for_an_idea(yv: Harness) -> None:
    """A bare /idea, then /checkin: what they type now is for the check-in, not an idea."""
    sam = await yv.joined("Sam")
    await sam.send("/idea")
    await sam.next_reply()
    await sam.send("/checkin")
    assert (await sam.next_reply()).text == say("no_checkin", "en")
    await sam.send("hello")
    assert (await sam.next_reply()).text == say("nothing_to_answer", "en")
    assert await yv.store.ideas() == []


async def test_young_people_cannot_moderate_and_read_ideas_in_welsh(staff_bot: StaffBot) -> None:
    yv = staff_bot.yv
    sam = await yv.joined("Sam")
    code = await yv.store.add_idea("Mwy o glybiau ieuenctid", "2026-12-01", BIG)
    await sam.send("/newideas")
    assert (await sam.next_reply()).text == unknown("/newideas")
    assert (await yv.store.idea(code)).status is IdeaStatus.NEW
    assert await yv.store.set_reading(sam.id, "cy", None, BIG + 1)
    await sam.send("/ideas")
    seen = (await sam.next_reply()).text
    assert say("ideas_heading", "cy") in seen and say("ideas_waiting_few", "cy") in seen
    assert "newideas" not in " ".join(yv.emu.menu(sam))
    assert "newideas" in " ".join(yv.emu.menu(staff_bot.worker))


async def test_the_wait_for_an_idea_survives_a_restart_and_goes_with_delete(yv: Harness) -> None:
    """A bare /idea, then the bot restarts: the words typed next are still the idea. A
    /delete while the bot waits takes the wait (the pseudonym) with the person."""
    sam = await yv.joined("Sam")
    await sam.send("/idea")
    await sam.next_reply()
    await yv.restart()
    await sam.send("Driving lessons")
    assert (await sam.next_reply()).text == say("idea_thanks", "en")
    await sam.send("/idea")
    await sam.next_reply()
    await sam.send("/delete")
    await sam.next_reply()
    await sam.tap("Yes, delete me")
    await sam.replies(2)
    assert db_rows(yv.settings.database, "SELECT COUNT(*) FROM idea_waits") == [(0,)]
    assert [i.text for i in await yv.store.ideas()] == ["Driving lessons"]  # tied to nobody


async def test_cancel_ends_the_wait_for_an_idea(yv: Harness) -> None:
    """Regression: after a bare /idea, /cancel got the support contacts and the command list,
    and the next words ("never mind") were kept as an idea. Now /cancel ends the wait with
    "OK, no idea sent." and keeps nothing; a /cancel with nothing waiting says so."""
    sam = await yv.joined("Sam")
    await sam.send("/idea")
    assert "/cancel" in (await sam.next_reply()).text
    await sam.send("/cancel")
    assert (await sam.next_reply()).text == "OK, no idea sent."
    await sam.send("never mind")
    assert (await sam.next_reply()).text == say("nothing_to_answer", "en")
    await sam.send("/cancel")
    assert (await sam.next_reply()).text == say("nothing_to_cancel", "en")
    assert await yv.store.ideas() == []
    assert db_rows(yv.settings.database, "SELECT COUNT(*) FROM idea_waits") == [(0,)]


async def test_any_command_ends_the_wait_for_an_idea(yv: Harness) -> None:
    """A bare /idea, then another command (/help, /mydata, /urgent): the command is carried
    out as usual and the words typed after it are not kept as an idea."""
    sam = await yv.joined("Sam")
    for command, replies in (("/help", 2), ("/mydata", 1), ("/urgent", 1)):
        await sam.send("/idea")
        await sam.next_reply()
        await sam.send(command)
        await sam.replies(replies)
        await sam.send("never mind")
        assert (await sam.next_reply()).text == say("nothing_to_answer", "en"), command
    assert await yv.store.ideas() == []


async def test_cancel_after_idea_in_welsh(yv: Harness) -> None:
    """/cancel after a bare /idea answers in the reader's language."""
    sam = await yv.joined("Sam")
    assert await yv.store.set_reading(sam.id, "cy", None, 10**9)
    await sam.send("/idea")
    await sam.next_reply()
    await sam.send("/cancel")
    assert (await sam.next_reply()).text == say("idea_cancelled", "cy")
    assert say("idea_cancelled", "cy") != "OK, no idea sent."
