"""The reach use case (bot.actions.reach) on a real store: rates per cohort over time, the
falling rule, and who joined but never answered, worked out from the participation marks
made with the key, counted only over closed check-ins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot import keys
from bot.actions import reach
from bot.services import Services
from flows.reach import ANSWERED, NEVER, NOT_ASKED, GroupReach
from flows.survey import load_surveys
from storage.base import Audience, Meeting, NewCheckin
from storage.sqlite import SqliteStore
from tests.conftest import Clock, make_settings

pytestmark = pytest.mark.timeout(30)
KEY = b"k" * 16 + b"0123456789abcdef"
DAY = 86_400.0
K_BATCH = 3  # min_group: finished answers are released in batches of it


@pytest.fixture
async def svc(tmp_path: Path) -> AsyncIterator[Services]:
    store = SqliteStore(":memory:")
    await store.open()
    try:
        yield Services(make_settings(tmp_path, min_group=3), store, load_surveys(), KEY, Clock())
    finally:
        await store.close()


def day(svc: Services, days_ago: float) -> str:
    when = datetime.fromtimestamp(svc.now() - days_ago * DAY, svc.settings.zone)
    return when.date().isoformat()


async def checkin(
    svc: Services,
    cohort_id: int | None,
    days_ago: float,
    finished_by: list[int],
    *,
    closed: bool = True,
    meeting_id: int | None = None,
) -> int:
    """A weekly check-in for the cohort opened ``days_ago``, closed a day later (or still
    open), finished by these chats (each with their own mark, as the bot makes it)."""
    opens = svc.now() - days_ago * DAY
    closes = opens + DAY if closed else svc.now() + DAY
    new = NewCheckin("weekly", cohort_id, opens, closes, meeting_id=meeting_id)
    who = Audience(cohort_id=cohort_id)
    found, _ = await svc.store.open_checkin(new, who, lambda c: {"text": "Hi"})
    assert found is not None
    for n, chat in enumerate(finished_by):
        link = keys.link(KEY, found.id, chat)
        update = 1000 * found.id + n
        answers = {"mood": "3"}
        done = await svc.store.finish_response(
            link, found.id, answers, "2026-11-23", update, batch=K_BATCH
        )
        assert done
    if closed:
        await svc.store.release_waiting(found.id, "2026-11-23")  # the last batch, as at closing
    return found.id


async def join(svc: Services, cohort_id: int | None, chats: range, days_ago: float) -> None:
    await svc.store.join_many(list(chats), cohort_id, "en", day(svc, days_ago))


def counts(group: GroupReach) -> dict[str, int | None]:
    assert group.participation is not None
    return {c.value: c.count for c in group.participation.cells}


async def test_never_answered_counts_people_asked_who_finished_nothing(svc: Services) -> None:
    """Of a cohort's people: those with a mark on any closed check-in answered; those who
    joined before the latest closed one opened and have none never answered; those who
    joined since were not asked yet. An open check-in's finishers do not count yet."""
    north = await svc.store.add_cohort("North", "N", "2026-01-01")
    await join(svc, north.id, range(1, 21), 30)  # 20 people, long ago
    await checkin(svc, north.id, 20, list(range(1, 8)))  # 7 answered
    await checkin(svc, north.id, 10, list(range(5, 11)))  # 4 more (8, 9, 10 new; 5-7 again)
    await join(svc, north.id, range(21, 25), 5)  # 4 joined since
    await checkin(svc, north.id, 1, list(range(11, 15)), closed=False)  # open: not yet
    [group] = await reach.reach(svc)
    assert group.name == "North"
    assert counts(group) == {ANSWERED: 10, NEVER: 10, NOT_ASKED: 4}


async def test_rates_per_cohort_and_falling(svc: Services) -> None:
    """Each cohort's own check-ins, oldest first, with their rates; three falling rates in a
    row flag it. Check-ins for everyone are their own line, and meeting feedback is left out
    of rates (it asks only those who said they would come) but finishing it is answering."""
    north = await svc.store.add_cohort("North", "N", "2026-01-01")
    south = await svc.store.add_cohort("South", "S", "2026-01-01")
    await join(svc, north.id, range(1, 11), 60)
    await join(svc, south.id, range(11, 21), 60)
    await join(svc, None, range(21, 26), 60)
    for days_ago, finished in ((40, 9), (30, 7), (20, 5)):
        await checkin(svc, north.id, days_ago, list(range(1, 1 + finished)))
    for days_ago, finished in ((40, 5), (30, 7), (20, 6)):
        await checkin(svc, south.id, days_ago, list(range(11, 11 + finished)))
    await checkin(svc, None, 15, list(range(21, 25)))
    await checkin(svc, None, 14, [20])
    groups = {g.name: g for g in await reach.reach(svc)}
    assert list(groups) == ["North", "South", reach.EVERYONE, reach.NO_GROUP]
    north_reach, south_reach = groups["North"], groups["South"]
    assert [c.rate for c in north_reach.checkins] == [90.0, 70.0, 50.0]
    assert north_reach.falling and north_reach.average == 70.0
    assert [c.rate for c in south_reach.checkins] == [50.0, 70.0, 60.0]
    assert not south_reach.falling
    assert groups[reach.EVERYONE].participation is None
    assert len(groups[reach.EVERYONE].checkins) == 2
    assert groups[reach.NO_GROUP].checkins == ()
    # Chat 20 of South answered only a check-in for everyone: that is answering too, so 2
    # never answered (hidden), and 8 would give them away beside the 10 who joined.
    assert counts(south_reach) == {ANSWERED: None, NEVER: None, NOT_ASKED: 0}
    assert counts(groups[reach.NO_GROUP]) == {ANSWERED: None, NEVER: None, NOT_ASKED: 0}


async def test_meeting_feedback_counts_as_answering_but_not_as_a_rate(svc: Services) -> None:
    """Finishing a meeting's feedback check-in is answering; its rate is not the cohort's."""
    north = await svc.store.add_cohort("North", "N", "2026-01-01")
    await join(svc, north.id, range(1, 7), 60)
    await checkin(svc, north.id, 20, [1, 2, 3])
    draft = Meeting(0, "Forum", svc.now() - 12 * DAY, "Hall", None, None, north.id)
    meeting, _ = await svc.store.add_meeting(draft, Audience(), [], lambda m: {}, svc.now())
    await checkin(svc, north.id, 11, [4, 5, 6], meeting_id=meeting.id)
    [group] = await reach.reach(svc)
    assert len(group.checkins) == 1
    assert counts(group) == {ANSWERED: 6, NEVER: 0, NOT_ASKED: 0}


async def test_without_the_key_no_one_is_looked_at(svc: Services) -> None:
    """The command line without a key (the bot never ran here) shows rates only."""
    north = await svc.store.add_cohort("North", "N", "2026-01-01")
    await join(svc, north.id, range(1, 7), 60)
    await checkin(svc, north.id, 20, [1, 2, 3, 4])
    svc.key = b""
    [group] = await reach.reach(svc)
    assert group.participation is None and [c.rate for c in group.checkins] == [66.7]
