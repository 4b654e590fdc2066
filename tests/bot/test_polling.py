"""The getUpdates request: an update the library cannot read becomes its bare id."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.telegram.polling import SkippingRequest

MESSAGE = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hi"}
READABLE = {"update_id": 1, "message": MESSAGE}


def parsed(body: Any) -> Any:
    return SkippingRequest.parse_json_payload(json.dumps(body).encode())


@pytest.mark.parametrize(
    ("update", "kept", "warning"),
    [
        (READABLE, READABLE, None),
        ({"update_id": 2}, {"update_id": 2}, None),
        ({"update_id": 3, "message": "private words"}, {"update_id": 3}, "update 3 (message)"),
        ({"update_id": 4, "poll": {"id": "p"}}, {"update_id": 4}, "update 4 (poll)"),
        ({"message": {"text": "private words"}}, None, "without an update id"),
        ({"update_id": "5", "message": "private words"}, None, "without an update id"),
        ("private words", None, "without an update id"),
    ],
)
def test_each_update_is_kept_reduced_to_its_id_or_left_out(
    caplog: pytest.LogCaptureFixture, update: Any, kept: Any, warning: str | None
) -> None:
    """A readable update is kept as it is; an unreadable one with an id becomes the bare id
    (so the offset still moves past it); one without even an id is left out. Each skip is one
    warning with no content."""
    caplog.set_level(logging.DEBUG, logger="bot.telegram.polling")
    result = parsed({"ok": True, "result": [update]})["result"]
    assert result == ([] if kept is None else [kept])
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == (0 if warning is None else 1), messages
    assert all(warning in m and "private words" not in m for m in messages)


def test_other_answers_pass_through() -> None:
    """Error answers and answers without a list of updates are left alone."""
    error = {"ok": False, "error_code": 409, "description": "Conflict"}
    assert parsed(error) == error
    assert parsed({"ok": True, "result": True}) == {"ok": True, "result": True}
