"""Which bot leads, and each bot's share of Telegram's overall limit."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest

from bot.runtime.leadership import STANDBY_SHARE, Leadership, share_of

pytestmark = pytest.mark.timeout(10)


class Coordinator:
    """Says what the test sets: whether this bot leads and how many run."""

    solo = False
    claimer = "fake"

    def __init__(self) -> None:
        self.leads, self.running = True, 1

    @property
    def leading(self) -> bool:
        return self.leads

    async def start(self) -> None:
        pass

    async def lead(self) -> bool:
        return self.leads

    async def instances(self) -> int:
        return self.running

    @contextlib.asynccontextmanager
    async def person(self, person: int) -> AsyncIterator[None]:
        yield

    async def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("leading", "instances", "share"),
    [(True, 1, 30.0), (True, 2, 24.0), (False, 2, 6.0), (True, 3, 18.0), (True, 9, 15.0)],
)
def test_each_bot_has_its_share_and_together_they_never_go_over_the_limit(
    leading: bool, instances: int, share: float
) -> None:
    assert share_of(30.0, leading, instances) == pytest.approx(share)
    standbys = (instances - 1) * share_of(30.0, False, instances)
    assert share_of(30.0, True, instances) + standbys == pytest.approx(30.0)
    assert share_of(30.0, False, instances) <= 30.0 * STANDBY_SHARE


async def test_a_bot_is_paced_to_its_share_whenever_it_changes() -> None:
    coordinator, paced = Coordinator(), []
    leadership = Leadership(coordinator, 30.0, paced.append)
    await leadership.check()
    assert leadership() is True and paced == [30.0]
    coordinator.running = 2
    await leadership.check()
    await leadership.check()  # nothing changed: not paced again
    coordinator.leads = False
    await leadership.check()
    assert leadership() is False and paced == [30.0, 24.0, 6.0]


async def test_a_bot_stops_leading_as_soon_as_its_hold_is_found_lost() -> None:
    """Between checks, a lock connection found lost (by any statement on it) ends the lead
    at once: bulk sending stops before the next check."""
    coordinator = Coordinator()
    leadership = Leadership(coordinator, 30.0, lambda share: None)
    await leadership.check()
    assert leadership()
    coordinator.leads = False  # what the coordinator knows now; no check has run since
    assert not leadership()


@pytest.mark.parametrize("solo", [False, True])
async def test_who_leads_is_logged_only_when_several_bots_can_run(
    solo: bool, caplog: pytest.LogCaptureFixture
) -> None:
    coordinator = Coordinator()
    coordinator.solo, coordinator.leads = solo, False
    leadership = Leadership(coordinator, 30.0, lambda share: None)
    with caplog.at_level("INFO", "bot.runtime.leadership"):
        await leadership.check()
        coordinator.leads = True
        await leadership.check()
        await leadership.check()
    said = [r.getMessage() for r in caplog.records]
    if solo:
        assert said == []
    else:
        assert [m.split(";")[0].split(":")[0] for m in said] == [
            "another bot leads",
            "this bot now leads",
        ]
