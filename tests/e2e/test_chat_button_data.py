"""End to end: button data through the codec. Old-format buttons still in the outbox or on a
phone keep working; forged or unknown-version data gets the kind "expired" pop-up and changes
nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.actions import audience
from flows.messages import say
from flows.texts import message
from storage.base import Checkin, NewCheckin
from tests.conftest import Harness, assert_quiet, settle, start_invited
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

MOOD_Q = "1 of 6\n\nHow are you feeling this week?"
SAFE_Q = "2 of 6\n\nDo you feel safe where you live?"
EXPIRED = say("button_expired", "en")


def legacy_invitation(checkin: Checkin) -> dict[str, Any]:
    """An invitation exactly as the bot queued it before button data had a version."""
    return {
        "text": message("invitation", title="How are things?"),
        "buttons": [[{"text": message("start_button"), "data": f"c:{checkin.id}"}]],
    }


def state_of(yv: Harness) -> list[tuple[object, ...]]:
    """Everything a press could change: progress, answers, contacts."""
    database = yv.settings.database
    return [
        *db_rows(database, "SELECT checkin_id, state FROM progress"),
        *db_rows(database, "SELECT question_id, value FROM answers"),
        *db_rows(database, "SELECT chat_id, status FROM contacts"),
    ]


async def test_old_format_invitation_in_the_outbox_still_starts_the_checkin(
    yv: Harness,
) -> None:
    """An invitation queued with the old ``c:<id>`` data, sent after the upgrade, starts the
    check-in, and an old-format answer button on the phone still answers."""
    sam = await yv.joined("Sam")
    new = NewCheckin("weekly", None, yv.clock(), None)
    checkin, queued = await yv.store.open_checkin(new, audience.of_checkin(new), legacy_invitation)
    assert checkin is not None and queued == 1
    invite = await sam.next_reply()
    start = invite.button("Start")
    assert start is not None and start.data == f"c:{checkin.id}"
    await sam.tap_data(start.data, message_id=invite.message_id)
    _intro, first = await sam.replies(2)
    assert first.text == MOOD_Q
    await sam.tap_data(f"a:{checkin.id}:mood:4", message_id=first.message_id)
    answered, second = await sam.replies(2)
    assert answered.message_id == first.message_id and answered.buttons == []
    assert second.text == SAFE_Q
    progress = db_rows(yv.settings.database, "SELECT state FROM progress")
    assert json.loads(progress[0][0])["answers"] == {"mood": "4"}


FORGED_OR_UNKNOWN = [
    "2c:1",  # a version this bot does not know
    "1c:²",
    "1a:1:²:x",
    "a:1:²:x",
    "1a:1:Mood:1",
    "1a:1:mood:🙂",
    "1c:99999999999999999999",
    "1d:maybe",
    "1j:" + "A" * 62,  # 65 bytes
    "🙂",
    "",
]


async def test_forged_or_unknown_version_data_expires_and_changes_nothing(yv: Harness) -> None:
    """Each gets the "button doesn't work any more" pop-up, and leaves progress, answers and
    contacts alone."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    first = await start_invited(sam)
    await settle(sam)
    before = state_of(yv)
    for data in FORGED_OR_UNKNOWN:
        await sam.tap_data(data, message_id=first.message_id)
    await assert_quiet(sam)
    assert sam.toasts() == [EXPIRED] * len(FORGED_OR_UNKNOWN)
    assert state_of(yv) == before
