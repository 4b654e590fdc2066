"""Injected failures of the Youth Voice Bot API emulator: calls that fail (for the next few calls
of a method, or for chosen methods during a window of the emulator's clock) and malformed updates.
"""

from __future__ import annotations

import copy
import difflib
import math
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Literal, get_args

from .methods import METHOD_NAMES

JSON = dict[str, Any]
FaultKind = Literal["error", "drop", "drop_after", "slow"]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)
EVERY_METHOD = "*"

# What each kind does to a call, in words for people (the command line prints them).
DOES = {
    "error": "answers HTTP {status} and does nothing",
    "drop": "drops the connection before doing anything",
    "drop_after": "does the work, then drops the connection",
    "slow": "does the work, then answers {delay:g}s late",
}

_SOMEONE: JSON = {"id": 5_999_999, "is_bot": False, "first_name": "Someone"}
# Update fields (without update_id) that python-telegram-bot 22 cannot parse. PTB fills a
# missing chat, date or new_chat_member of a chat_member update with None rather than refuse
# it, so that kind also leaves out the member's required `status`, which PTB does refuse.
MALFORMED: dict[str, JSON] = {
    "message_string": {"message": "hello"},
    "chat_member_missing_fields": {
        "chat_member": {"from": _SOMEONE, "old_chat_member": {"user": _SOMEONE}}
    },
    "poll_missing_fields": {
        "poll": {
            "id": "5000000000000000001",
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
        }
    },
}
MALFORMED_KINDS = tuple(MALFORMED)


def fault_kind(name: str) -> FaultKind:
    """`name` as a fault kind; ValueError naming the kinds if it is none of them."""
    for kind in FAULT_KINDS:
        if kind == name:
            return kind
    raise ValueError(f"no fault {name!r}; choose one of {', '.join(FAULT_KINDS)}")


def malformed_update(kind: str) -> JSON:
    """The fields of a malformed update of `kind` (one of MALFORMED_KINDS), without its id."""
    if kind not in MALFORMED:
        raise ValueError(f"no malformed update {kind!r}; choose one of {', '.join(MALFORMED)}")
    return copy.deepcopy(MALFORMED[kind])


@dataclass(frozen=True)
class Fault:
    """What happens to one call: "error" answers HTTP `status` without doing the work; "drop"
    cuts the connection before the work; "drop_after" does the work, then cuts it; "slow" does
    the work, then waits `delay` real seconds before answering (so a client that gives up
    first cannot know whether the call took effect)."""

    kind: FaultKind = "error"
    status: int = 500
    delay: float = 0.0

    def __post_init__(self) -> None:
        fault_kind(self.kind)
        if self.kind == "error" and not 400 <= self.status <= 599:
            raise ValueError(f"an error fault answers 400 to 599, not {self.status}")
        if self.kind == "slow" and not 0 < self.delay < math.inf:
            raise ValueError("a slow fault needs a delay of more than 0 seconds")

    @property
    def description(self) -> str:
        """Telegram-style description for an error answer ("Internal Server Error")."""
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Error"

    def does(self) -> str:
        """What this fault does to a call, in words."""
        return DOES[self.kind].format(status=self.status, delay=self.delay)


def method_set(methods: str | Iterable[str]) -> frozenset[str] | None:
    """Lower-case names of the Bot API methods meant (case does not matter, as for Telegram);
    None for "*", every method, getUpdates included. ValueError for an unknown name."""
    names = [methods] if isinstance(methods, str) else list(methods)
    if EVERY_METHOD in names:
        return None
    if not names:
        raise ValueError('name at least one Bot API method, or "*" for every method')
    known = {name.lower(): name for name in METHOD_NAMES}
    for name in names:
        if name.lower() not in known:
            close = difflib.get_close_matches(name, METHOD_NAMES, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ValueError(f"the emulator has no Bot API method {name!r}{hint}")
    return frozenset(name.lower() for name in names)


@dataclass(eq=False)
class FaultWindow:
    """A fault for chosen methods from `start` until `until`, by the emulator's clock."""

    fault: Fault
    methods: frozenset[str] | None  # lower-case names; None: every method
    start: float
    until: float
    clock: Callable[[], float] = field(repr=False)
    hits: int = 0  # calls this window failed

    def covers(self, method: str, now: float) -> bool:
        in_time = self.start <= now < self.until
        return in_time and (self.methods is None or method.lower() in self.methods)

    @property
    def over(self) -> bool:
        return self.clock() >= self.until

    def end(self) -> None:
        """Stop the fault now (a window that had not started never will)."""
        self.until = min(self.until, self.clock())

    def to_json(self) -> JSON:
        methods = sorted(self.methods) if self.methods is not None else EVERY_METHOD
        return {
            "kind": self.fault.kind,
            "methods": methods,
            "start": self.start,
            "until": self.until if self.until < math.inf else None,
            "status": self.fault.status,
            "delay": self.fault.delay,
            "hits": self.hits,
        }


class Faults:
    """The faults switched on: counted ones for the next calls of a method, then time windows."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._next: dict[str, deque[Fault]] = {}
        self._windows: list[FaultWindow] = []

    def fail_next(self, method: str, times: int, fault: Fault) -> None:
        names = method_set(method)
        if names is None or len(names) != 1:
            raise ValueError("fail_next takes the name of one Bot API method")
        (name,) = names
        self._next.setdefault(name, deque()).extend(fault for _ in range(times))

    def open(
        self,
        fault: Fault,
        methods: str | Iterable[str],
        seconds: float | None,
        start: float | None,
    ) -> FaultWindow:
        """Switch `fault` on for `methods` from `start` (default: now) for `seconds` (None:
        until ended)."""
        names = method_set(methods)
        if seconds is not None and not seconds > 0:
            raise ValueError("a fault window lasts more than 0 seconds")
        begin = self.clock() if start is None else start
        until = math.inf if seconds is None else begin + seconds
        window = FaultWindow(fault, names, begin, until, self.clock)
        self._windows.append(window)
        return window

    def take(self, method: str) -> Fault | None:
        """The fault for this call, if any: a counted one first, else the newest window
        covering it now (so a fault switched on later overrides an older one while both last)."""
        queue = self._next.get(method.lower())
        if queue:
            return queue.popleft()
        now = self.clock()
        self._windows = [w for w in self._windows if now < w.until]
        for window in reversed(self._windows):
            if window.covers(method, now):
                window.hits += 1
                return window.fault
        return None

    def windows(self) -> list[FaultWindow]:
        """Windows on now or still to come, oldest first."""
        return [window for window in self._windows if not window.over]

    def clear(self) -> int:
        """End every window and forget counted faults; returns how many windows were ended."""
        ended = self.windows()
        for window in ended:
            window.end()
        self._windows.clear()
        self._next.clear()
        return len(ended)
