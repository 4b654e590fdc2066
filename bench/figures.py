"""A row of the benchmark table, and how its figures are written: percentiles, milliseconds,
outbox messages by status.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass
class Row:
    bench: str
    metric: str
    measured: str
    target: str = ""
    ok: bool | None = None  # None: a figure with no target


def pct(values: list[float], q: int) -> float:
    """The ``q``th percentile (nan for no values)."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def by_status(counts: dict[str, int]) -> str:
    """Outbox messages by status (sent and failed ones counted, their rows deleted), leaving
    out the empty ones."""
    return " ".join(f"{k}={v}" for k, v in counts.items() if v) or "empty"
