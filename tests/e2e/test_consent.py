"""End to end: after the support contacts, a young person is asked once a conversation whether
someone from the team should get in touch. Yes alerts every safeguarding lead (through the
outbox, never held by quiet hours or a pause), with a button that opens a chat with them and
never their words; No is respected; with nobody set up, they are told so honestly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.actions.button_data import Consent, encode
from bot.actions.safety import CONVERSATION, bundled_safety_net
from bot.emulator import SimUser
from flows.messages import say
from storage.base import StorageError
from tests.conftest import LONDON, Harness
from tests.database import db_rows, everything_stored

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

SUPPORT = bundled_safety_net().support("en")
NOBODY = f"{say('consent_nobody', 'en')}\n\n{bundled_safety_net().contact_list('en')}"
WORRYING = "i dont want to be alive anymore"


async def with_leads(yv: Harness, count: int, **settings: Any) -> list[SimUser]:
    """``count`` safeguarding leads (people who pressed Start), the bot restarted to know them."""
    leads = [yv.emu.user(f"Lead{n}") for n in range(count)]
    ids = frozenset(lead.id for lead in leads)
    yv.settings = yv.settings.model_copy(update={"safeguarding": ids, **settings})
    await yv.restart()
    return leads


async def asked(person: SimUser, words: str = WORRYING) -> None:
    """Send worrying words; support, then the question with Yes / No."""
    await person.send(words)
    support, question = await person.replies(2)
    assert support.text == SUPPORT
    assert question.text == say("consent_ask", "en")
    assert question.button_texts == [say("consent_yes", "en"), say("consent_no", "en")]


def alerts(yv: Harness) -> list[tuple[Any, ...]]:
    return db_rows(yv.settings.database, "SELECT * FROM safeguarding_alerts")


@pytest.mark.parametrize("count", [1, 2])
async def test_yes_alerts_every_lead_with_a_way_to_reach_them(yv: Harness, count: int) -> None:
    """Each lead gets the alert with a button opening a chat with the young person; one row
    is recorded (their id, the date, how many leads), and the worrying words are nowhere."""
    leads = await with_leads(yv, count)
    sam = await yv.joined("Sam")
    await asked(sam)
    await sam.tap(say("consent_yes", "en"))
    cleared, sent = await sam.replies(2)
    assert cleared.edited and cleared.buttons == []
    assert sent.text == say("consent_sent", "en")
    for lead in leads:
        alert = await lead.next_reply()
        assert "asked for someone from the team to get in touch" in (alert.text or "")
        assert WORRYING not in (alert.text or "")
        assert [(b.text, b.data) for row in alert.buttons for b in row] == [
            (say("alert_button", "en"), f"tg://user?id={sam.id}")
        ]
    today = datetime.fromtimestamp(yv.clock(), LONDON).date().isoformat()
    assert alerts(yv) == [(1, sam.id, today, count)]
    stored = everything_stored(yv.settings.database)
    assert WORRYING.encode() not in stored


async def test_no_is_respected_and_never_asked_again_in_the_conversation(yv: Harness) -> None:
    """No: nobody is alerted, nothing is recorded; more worrying words in the same conversation
    bring support and "I'm here too", not the question; a day later it may be asked again."""
    (lead,) = await with_leads(yv, 1)
    sam = await yv.joined("Sam")
    await asked(sam)
    await sam.tap(say("consent_no", "en"))
    assert (await sam.replies(2))[1].text == say("consent_declined", "en")
    await sam.send("i want to kill myself")
    assert [m.text for m in await sam.replies(2)] == [SUPPORT, say("after_support", "en")]
    await lead.assert_no_reply(within=0.5)
    assert alerts(yv) == []
    yv.clock.advance(CONVERSATION + 60)
    await asked(sam)


async def test_the_question_is_asked_once_even_unanswered(yv: Harness) -> None:
    """A second worrying message while the question waits does not ask it again."""
    await with_leads(yv, 1)
    sam = await yv.joined("Sam")
    await asked(sam)
    await sam.send(WORRYING)
    assert [m.text for m in await sam.replies(2)] == [SUPPORT, say("after_support", "en")]


async def test_nobody_configured_is_said_honestly_with_the_contacts_again(yv: Harness) -> None:
    """With YOUTHVOICE_SAFEGUARDING empty no question is asked (a Yes could reach nobody):
    they are told no one will be alerted, and given the contacts again; no row is kept."""
    sam = await yv.joined("Sam")
    await sam.send(WORRYING)
    support, honest = await sam.replies(2)
    assert support.text == SUPPORT
    assert honest.text == NOBODY
    assert "116 123" in honest.text and honest.buttons == []
    assert alerts(yv) == []


async def test_a_second_yes_alerts_nobody_twice(yv: Harness) -> None:
    """A repeated Yes (an old copy of the question) in the same conversation alerts once."""
    (lead,) = await with_leads(yv, 1)
    sam = await yv.joined("Sam")
    await asked(sam)
    await sam.tap(say("consent_yes", "en"))
    await sam.replies(2)
    await lead.next_reply()
    await sam.tap_data(encode(Consent(True)))
    assert (await sam.next_reply()).text == say("consent_answered", "en")
    await lead.assert_no_reply(within=0.5)
    assert len(alerts(yv)) == 1


async def test_the_alert_goes_in_quiet_hours_and_to_a_lead_who_paused(yv: Harness) -> None:
    """Quiet hours hold invitations, not an alert; nor does the lead's own pause (a lead may
    also have joined as a young person would)."""
    hour = datetime.fromtimestamp(yv.clock(), LONDON).hour
    quiet = f"{(hour - 1) % 24:02d}:00-{(hour + 2) % 24:02d}:00"
    (lead,) = await with_leads(yv, 1, quiet_hours=quiet)
    await lead.send("/start")
    await lead.next_reply()
    await lead.tap("Yes, I'm in")
    await lead.replies(2)
    await lead.send("/pause")
    await lead.next_reply()
    await lead.tap(say("pause_forever", "en"))
    await lead.replies(2)
    sam = await yv.joined("Sam")
    await asked(sam)
    await sam.tap(say("consent_yes", "en"))
    await sam.replies(2)
    alert = await lead.next_reply()
    assert "asked for someone from the team to get in touch" in (alert.text or "")


async def test_an_alert_still_arrives_when_their_settings_refuse_the_button(
    yv: Harness,
) -> None:
    """Telegram refuses a button to the chat of someone whose privacy settings hide their
    account: the alert goes without it, saying so, with their number."""
    (lead,) = await with_leads(yv, 1)
    sam = await yv.joined("Sam")
    sam.person.hides_account = True
    await asked(sam)
    await sam.tap(say("consent_yes", "en"))
    await sam.replies(2)
    alert = await lead.next_reply()
    assert "hide their account" in (alert.text or "") and str(sam.id) in (alert.text or "")
    assert alert.buttons == []


class BrokenStore:
    """Every storage call fails, as when the disk has gone."""

    def __getattr__(self, name: str) -> Any:
        async def fail(*args: Any, **kwargs: Any) -> Any:
            raise StorageError(f"{name} failed: SQLITE_IOERR")

        return fail


async def test_the_question_and_an_honest_answer_need_no_database(yv: Harness) -> None:
    """With storage failing, support and the question still go out; a Yes that cannot be
    recorded says so, and points to the contacts; a later Yes (storage back) alerts."""
    (lead,) = await with_leads(yv, 1)
    sam = await yv.joined("Sam")
    svc = yv.svc
    assert svc is not None
    store, svc.store = svc.store, BrokenStore()
    try:
        await asked(sam)
        await sam.tap(say("consent_yes", "en"))
        assert (await sam.replies(2))[1].text == say("consent_failed", "en")
    finally:
        svc.store = store
    await lead.assert_no_reply(within=0.3)
    await sam.tap_data(encode(Consent(True)))
    assert (await sam.next_reply()).text == say("consent_sent", "en")
    assert "get in touch" in ((await lead.next_reply()).text or "")
