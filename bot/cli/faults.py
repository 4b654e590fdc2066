"""The ``--fault KIND:METHODS:SECONDS[:VALUE]`` option of ``youthvoice emulator`` and
``youthvoice demo``: a failure of the pretend Telegram, switched on for a while."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from bot.emulator import Emulator, Fault, FaultWindow
from bot.emulator.faults import EVERY_METHOD, fault_kind, method_set

F = TypeVar("F", bound=Callable[..., Any])
SLOW_DELAY = 6.0  # python-telegram-bot stops waiting for an answer after 5 s by default
EXAMPLE = "drop_after:sendMessage:15"
HELP = (
    "Make the pretend Telegram fail for SECONDS (repeatable). KIND: error (VALUE: the HTTP "
    "status, default 500), drop (cut the connection before the work), drop_after (after it) "
    f"or slow (VALUE: seconds late, default {SLOW_DELAY:g}). METHODS: Bot API methods joined "
    f"by commas, or * for all. Example: {EXAMPLE}"
)


@dataclass(frozen=True)
class FaultSpec:
    """A fault for some Bot API methods, for some seconds from when it is switched on."""

    fault: Fault
    methods: tuple[str, ...]
    seconds: float

    def switch_on(self, emu: Emulator) -> FaultWindow:
        fault = self.fault
        return emu.fault(
            fault.kind, self.methods, self.seconds, status=fault.status, delay=fault.delay
        )

    def __str__(self) -> str:
        named = "every call" if EVERY_METHOD in self.methods else ", ".join(self.methods)
        return f"{named}: {self.fault.does()}, for {self.seconds:g}s"


def parse_fault(text: str) -> FaultSpec:
    """Read ``KIND:METHODS:SECONDS[:VALUE]``; ValueError says what is wrong in words."""
    parts = [part.strip() for part in text.split(":")]
    if not 3 <= len(parts) <= 4:
        raise ValueError(f"write KIND:METHODS:SECONDS, for example {EXAMPLE}")
    name, methods, seconds = parts[:3]
    kind = fault_kind(name)
    names = tuple(method.strip() for method in methods.split(",") if method.strip())
    method_set(names)
    try:
        length = float(seconds)
    except ValueError:
        length = math.nan
    if not 0 < length < math.inf:
        raise ValueError(f"SECONDS must be a number more than 0, not {seconds!r}")
    value = parts[3] if len(parts) == 4 else None
    if kind == "error":
        fault = Fault(kind, status=_number(value, int, "an HTTP status such as 502", 500))
    elif kind == "slow":
        fault = Fault(kind, delay=_number(value, float, "a number of seconds", SLOW_DELAY))
    elif value is not None:
        raise ValueError(f"{kind} takes no VALUE; write {kind}:{methods}:{seconds}")
    else:
        fault = Fault(kind)
    return FaultSpec(fault, names, length)


def _number(value: str | None, kind: type[int] | type[float], what: str, default: float) -> Any:
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"VALUE must be {what}, not {value!r}") from None


def _read_faults(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[FaultSpec, ...]:
    specs = []
    for value in values:
        try:
            specs.append(parse_fault(value))
        except ValueError as exc:
            raise click.BadParameter(f"{value!r}: {exc}", ctx, param) from None
    return tuple(specs)


def fault_option(command: F) -> F:
    """Adds ``--fault`` (repeatable) to a command, as the ``faults`` argument."""
    option = click.option(
        "--fault",
        "faults",
        multiple=True,
        callback=_read_faults,
        metavar="KIND:METHODS:SECONDS[:VALUE]",
        help=HELP,
    )
    return option(command)
