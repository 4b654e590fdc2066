"""The storage contract for ``ReachStore``: the joined contacts with their cohort and the date
they last joined.

Every backend in ``conftest.BACKENDS`` must pass it; see conftest.py to add one.
"""

from __future__ import annotations

from storage.base import ContactStatus, Member, Store
from tests.storage.contract import TODAY


async def test_members_are_the_joined_contacts_with_cohort_and_date(store: Store) -> None:
    """Everyone joined is listed once with their cohort (``None``: no group) and join date;
    stopped and unreachable people are not; re-joining moves the date on."""
    north = await store.add_cohort("North", "N1", TODAY)
    assert await store.members() == []
    await store.join(1, north.id, "en", TODAY, 1)
    await store.join(2, None, "cy", TODAY, 2)
    await store.join(3, north.id, "en", TODAY, 3)
    await store.join(4, north.id, "en", TODAY, 4)
    await store.set_status(3, ContactStatus.STOPPED, None)
    await store.mark_unreachable([4])
    await store.set_status(1, ContactStatus.STOPPED, None)
    await store.join(1, None, "en", "2025-04-02", 5)
    found = sorted(await store.members(), key=lambda m: m.chat_id)
    assert found == [Member(1, north.id, "2025-04-02"), Member(2, None, TODAY)]
