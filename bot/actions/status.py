"""How the outbox stands, for staff: what is waiting, sent or not delivered, and whether
messages are held up because Telegram cannot be reached."""

from __future__ import annotations

from dataclasses import dataclass

from storage.base import Store


@dataclass(frozen=True)
class OutboxStatus:
    """Message counts (sent and failed ones are kept for a week)."""

    queued: int
    sending: int
    sent: int
    failed: int
    # Queued because their last try could not reach Telegram: they go once it is back.
    waiting_for_telegram: int


async def outbox_status(store: Store) -> OutboxStatus:
    counts = await store.outbox_counts()
    waiting = await store.outbox_waiting()
    return OutboxStatus(
        counts["queued"], counts["sending"], counts["sent"], counts["failed"], waiting
    )
