"""Telegram-like send limits for the Youth Voice Bot API emulator.

Token buckets: one shared by every chat, one per chat and a slower one per group chat.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RateLimits:
    """How fast the bot may produce messages; each limit is a bucket size and a refill rate."""

    global_capacity: float = 30.0
    global_per_second: float = 30.0
    chat_capacity: float = 3.0
    chat_per_second: float = 1.0
    group_capacity: float = 20.0
    group_per_second: float = 20.0 / 60.0


@dataclass
class TokenBucket:
    """A bucket that holds up to `capacity` tokens and gains `rate` tokens a second."""

    capacity: float
    rate: float
    tokens: float = field(default=-1.0)
    stamp: float = 0.0

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity

    def wait(self, now: float) -> float:
        """Seconds until one token is available (0 when one is there now)."""
        self._refill(now)
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        """Spend one token; call only after `wait` returned 0."""
        self._refill(now)
        self.tokens -= 1.0

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.stamp = now


class RateLimiter:
    """Decides whether one more message may go out now, Telegram style."""

    def __init__(
        self, limits: RateLimits | None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._global: TokenBucket | None = None
        self._chats: dict[int, TokenBucket] = {}
        self._groups: dict[int, TokenBucket] = {}
        self.configure(limits)

    @property
    def enabled(self) -> bool:
        return self.limits is not None

    def configure(self, limits: RateLimits | None) -> None:
        """Switch limits on (with these numbers) or off (None); buckets start full."""
        self.limits = limits
        self._chats.clear()
        self._groups.clear()
        now = self._clock()
        self._global = None
        if limits is not None:
            self._global = TokenBucket(limits.global_capacity, limits.global_per_second, stamp=now)

    def acquire(self, chat_id: int, is_group: bool) -> int:
        """Spend a token for a message to `chat_id`; returns 0, or seconds to retry after.

        Nothing is spent when the answer is "retry": an over-limit call is not delivered.
        """
        limits = self.limits
        if limits is None or self._global is None:
            return 0
        now = self._clock()
        buckets = [self._global, self._bucket(self._chats, chat_id, now, limits, group=False)]
        if is_group:
            buckets.append(self._bucket(self._groups, chat_id, now, limits, group=True))
        wait = max(bucket.wait(now) for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.take(now)
        return 0

    @staticmethod
    def _bucket(
        table: dict[int, TokenBucket], chat_id: int, now: float, limits: RateLimits, group: bool
    ) -> TokenBucket:
        bucket = table.get(chat_id)
        if bucket is None:
            if group:
                bucket = TokenBucket(limits.group_capacity, limits.group_per_second, stamp=now)
            else:
                bucket = TokenBucket(limits.chat_capacity, limits.chat_per_second, stamp=now)
            table[chat_id] = bucket
        return bucket
