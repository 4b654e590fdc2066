"""Stopping the bot: a loop that will not finish, or a failing stop, still lets everything close."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.runtime import runner as app
from bot.services import Services
from tests.conftest import Harness, make_settings

pytestmark = pytest.mark.timeout(30)


async def test_stop_with_a_stuck_loop_still_stops_polling(yv: Harness) -> None:
    """A background loop that ignores the stop signal is cancelled after the grace time, and
    the updater and Application are stopped all the same."""
    runner = yv.runner
    assert runner is not None and runner.telegram.app.updater is not None
    stuck = asyncio.create_task(asyncio.sleep(3600))
    runner._tasks.append(stuck)
    runner.stop_timeout = 0.2
    await runner.stop()
    yv.runner = None  # stopped here; the fixture only closes the store
    assert stuck.cancelled()
    assert not runner.telegram.app.updater.running
    assert not runner.telegram.app.running


async def test_serve_closes_the_database_even_when_stopping_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If stopping the bot raises, ``serve`` still closes the store before passing the error on."""
    closed: list[bool] = []

    class Store:
        async def close(self) -> None:
            closed.append(True)

    class Runner:
        def __init__(self, svc: Services, **options: object) -> None:
            pass

        async def start(self) -> None:
            raise RuntimeError("could not start")

        async def stop(self) -> None:
            raise RuntimeError("could not stop")

    async def open_services(settings: object, clock: object) -> Services:
        return Services(make_settings(tmp_path), Store(), {}, b"k" * 32)  # type: ignore[arg-type]

    monkeypatch.setattr(app, "open_services", open_services)
    monkeypatch.setattr(app, "BotRunner", Runner)
    with pytest.raises(RuntimeError, match="could not stop"):
        await app.serve(make_settings(tmp_path))
    assert closed == [True]
