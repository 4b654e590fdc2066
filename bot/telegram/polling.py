"""Polling that survives an update python-telegram-bot cannot read: the update is skipped with
one log line naming its id and kind (never its content), and everyone else is still answered.
The webhook server checks each update it is sent with the same ``readable``.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]


class SkippingRequest(HTTPXRequest):
    """The request object for ``getUpdates`` only (``ApplicationBuilder.get_updates_request``).

    python-telegram-bot reads a whole batch at once: one unreadable update (a ``message`` that
    is not an object, a ``poll`` without its question) makes it log the whole batch, names and
    text included, and fetch the same batch again, for ever. Each update is tried here first;
    one that fails becomes the bare ``{"update_id": n}``, which no handler takes, so the offset
    still moves past it (dropped, it would come back if it was the batch's last).
    """

    def __init__(self) -> None:
        # What the library builds for getUpdates when not given a request: one connection,
        # its default timeouts (the long-poll wait is added to the read timeout per call).
        super().__init__(connection_pool_size=1)

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        data = HTTPXRequest.parse_json_payload(payload)
        if isinstance(data, dict) and isinstance(data.get("result"), list):
            kept = [readable(update) for update in data["result"]]
            data["result"] = [update for update in kept if update is not None]
        return data


def readable(update: object) -> JSONDict | None:
    """``update`` if the library can read it, else the bare update id (``None`` when there is
    not even an id: nothing can be kept of it)."""
    update_id = update.get("update_id") if isinstance(update, dict) else None
    if not isinstance(update, dict) or type(update_id) is not int:
        log.warning("skipped an update without an update id")
        return None
    try:
        Update.de_json(update)
    except Exception as exc:  # the library's own parsing: any failure means unreadable
        kind = next((key for key in update if key != "update_id"), "nothing")
        log.warning("skipped update %d (%s): unreadable, %s", update_id, kind, type(exc).__name__)
        return {"update_id": update_id}
    return update
