"""``youthvoice status``: what a worker sees of the outbox, Telegram outages included."""

from __future__ import annotations

import asyncio
from pathlib import Path

from storage.base import NO_CONNECTION, OutgoingMessage
from storage.sqlite import SqliteStore
from tests.conftest import clock_start, run


async def _queue(database: Path, failures: list[str | None]) -> None:
    """One message per entry; each claimed and, for a text, given that error and queued again
    (None: sent)."""
    now = clock_start()
    async with SqliteStore(database) as store:
        await store.enqueue([OutgoingMessage(n, {"text": "hi"}, now) for n in range(len(failures))])
        claimed = await store.claim_due(now, 100)
        for message, error in zip(claimed, failures, strict=True):
            if error is None:
                await store.mark_sent([message.id], now)
            elif error == "refused":
                await store.mark_failed(message.id, error)
            else:
                await store.retry_later(message.id, now + 60, error)


def test_status_with_nothing_queued(env: dict[str, str]) -> None:
    result = run(env, "status")
    assert result.exit_code == 0, result.output
    assert (
        result.output == "Waiting to go: 0 messages. Sent in the last week: 0. Not delivered: 0.\n"
    )


def test_status_says_when_messages_wait_for_telegram(env: dict[str, str]) -> None:
    database = Path(env["YOUTHVOICE_DATABASE"])
    asyncio.run(
        _queue(
            database,
            [
                None,
                f"{NO_CONNECTION}: TimedOut",
                f"{NO_CONNECTION}: NetworkError",
                "rate limited",
                "refused",
            ],
        )
    )
    result = run(env, "status")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Waiting to go: 3 messages. Sent in the last week: 1. Not delivered: 1."
    assert lines[1].startswith("2 messages could not reach Telegram on the last try.")
    assert "They will go by themselves once Telegram can be reached" in lines[1]
    assert lines[2].startswith("Not delivered means the person blocked the bot")
