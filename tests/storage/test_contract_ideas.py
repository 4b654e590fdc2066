"""The storage contract, ideas part: waiting for someone's idea under a pseudonym, ended in the
same transaction as the idea is kept, and never kept beside it."""

from __future__ import annotations

from storage.base import IdeaStatus, Store
from tests.storage.contract import NOW, TODAY

LINK = "idea-link-1"
OTHER = "idea-link-2"


async def test_a_wait_for_an_idea_lasts_until_its_time(store: Store) -> None:
    assert not await store.awaiting_idea(LINK, NOW)
    await store.await_idea(LINK, NOW + 60)
    assert await store.awaiting_idea(LINK, NOW + 59)
    assert not await store.awaiting_idea(LINK, NOW + 60)
    assert not await store.awaiting_idea(OTHER, NOW)
    await store.await_idea(LINK, NOW + 120)  # asked again: the wait is longer, still one
    assert await store.awaiting_idea(LINK, NOW + 90)


async def test_keeping_the_awaited_idea_ends_the_wait_once(store: Store) -> None:
    """The idea is kept and the wait ends together; the same update again changes nothing,
    and the idea holds no trace of the pseudonym."""
    await store.await_idea(LINK, NOW + 60)
    await store.await_idea(OTHER, NOW + 60)
    code = await store.add_idea("A youth club in town", TODAY, update_id=5, waited=LINK)
    assert code is not None
    assert not await store.awaiting_idea(LINK, NOW)
    assert await store.awaiting_idea(OTHER, NOW)  # someone else's wait stays
    await store.await_idea(LINK, NOW + 60)
    assert await store.add_idea("A youth club in town", TODAY, update_id=5, waited=LINK) is None
    assert await store.awaiting_idea(LINK, NOW)  # a repeat ends nothing
    idea = await store.idea(code)
    assert idea is not None and LINK not in repr(idea)
    assert await store.idea_counts() == {IdeaStatus.NEW: 1}


async def test_waits_end_when_over_or_when_named(store: Store) -> None:
    await store.await_idea(LINK, NOW + 10)
    await store.await_idea(OTHER, NOW + 1000)
    assert await store.drop_idea_waits(NOW + 10) == 1
    assert not await store.awaiting_idea(LINK, NOW)
    assert await store.drop_idea_waits(NOW, [OTHER, "nobody"]) == 1
    assert not await store.awaiting_idea(OTHER, NOW)
    assert await store.drop_idea_waits(NOW) == 0
