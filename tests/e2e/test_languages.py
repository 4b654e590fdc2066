"""Queued messages are rendered in each reader's language when they are sent, not when queued."""

from __future__ import annotations

import json

import pytest

from flows.messages import say
from tests.conftest import Harness
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]


async def test_an_invitation_reaches_each_person_in_their_own_language(yv: Harness) -> None:
    """One check-in, two readers: the Welsh reader gets Welsh (the title from the survey file's
    translation, the Start button too); the English reader gets English. The outbox row holds
    the message key and the title in every reading, never finished text."""
    sam, ash = await yv.joined("Sam"), await yv.joined("Ash")
    contact = await yv.store.contact(ash.id)
    assert contact is not None
    assert await yv.store.set_reading(ash.id, "cy", None, 10**9)
    # Ash's invitation waits in the outbox while they pause (a sent one is deleted at once).
    assert await yv.store.set_pause(ash.id, yv.clock() + 3600, 10**9 + 1)
    await yv.open_checkin()
    english = await sam.next_reply()
    assert english.text == say("invitation", "en", title="How are things?")
    assert english.button_texts == ["Start"]
    rows = db_rows(yv.settings.database, "SELECT payload FROM outbox WHERE chat_id = ?", ash.id)
    [(payload,)] = rows
    title = json.loads(payload)["text"]["params"]["title"]
    assert title["words"]["en"] == "How are things?"
    assert title["words"]["cy"] == "Sut mae pethau?"
    assert await yv.store.set_pause(ash.id, None, 10**9 + 2)
    welsh = await ash.next_reply()
    assert welsh.text == say("invitation", "cy", title="Sut mae pethau?")
    assert welsh.button_texts == ["Dechrau"]
