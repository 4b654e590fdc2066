"""Queued messages are rendered in each reader's language when they are sent, not when queued."""

from __future__ import annotations

import json

import pytest

from flows import messages
from flows.messages import say
from tests.conftest import Harness, db_rows
from tests.flows.test_texts import TEST_CATALOGUE

pytestmark = pytest.mark.timeout(30)


async def test_an_invitation_reaches_each_person_in_their_own_language(
    yv: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One check-in, two readers: the one whose language is the test catalogue 'xx' gets its
    words (the Start button too); the English reader gets English. The outbox row holds the
    message key and the title, never finished text."""
    monkeypatch.setitem(messages.CATALOGUES, "xx", TEST_CATALOGUE)  # type: ignore[arg-type]
    sam, ash = await yv.joined("Sam"), await yv.joined("Ash")
    contact = await yv.store.contact(ash.id)
    assert contact is not None
    assert await yv.store.join(ash.id, contact.cohort_id, "xx", "2026-11-23", 10**9)
    await yv.open_checkin()
    english, other = await sam.next_reply(), await ash.next_reply()
    assert english.text == say("invitation", "en", title="How are things?")
    assert english.button_texts == ["Start"]
    assert other.text == "XX new check-in: How are things?"
    assert other.button_texts == ["XX Start"]
    rows = db_rows(yv.settings.database, "SELECT payload FROM outbox WHERE chat_id = ?", ash.id)
    [(payload,)] = rows
    assert json.loads(payload)["text"] == {
        "key": "invitation",
        "params": {"title": "How are things?"},
    }
