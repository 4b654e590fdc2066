"""Refused webhook calls are logged once, then summed up: a flood cannot fill the log."""

from __future__ import annotations

import logging

import pytest

from bot.telegram.webhook import RefusalLog


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_flood_of_refused_calls_is_one_line_then_one_count_a_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    refusals = RefusalLog(every=60.0, clock=clock)
    with caplog.at_level(logging.WARNING, logger="bot.telegram.webhook"):
        for _ in range(500):
            refusals.refused()
            clock.now += 0.1  # 500 calls in 50 seconds
        assert [r.getMessage() for r in caplog.records] == [
            "refused a webhook call: missing or wrong secret token"
        ]
        clock.now = 1061.0
        refusals.refused()
        clock.now = 1200.0
        refusals.refused()
    assert [r.getMessage() for r in caplog.records][1:] == [
        "refused 500 webhook calls with a missing or wrong secret token in the last 61 seconds",
        "refused a webhook call: missing or wrong secret token",
    ]
