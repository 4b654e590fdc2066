"""The storage contract for ``WizardStore``: a staff member's half-finished wizard, kept as
text with when it was last touched, put away once too old.

Every backend in ``conftest.BACKENDS`` must pass it; see conftest.py to add one.
"""

from __future__ import annotations

from storage.base import Store


async def test_a_saved_wizard_loads_back_until_dropped(store: Store) -> None:
    """Saving replaces the staff member's state; others' are their own; drop forgets it."""
    assert await store.load_wizard(7, 0.0) is None
    await store.save_wizard(7, '{"step": 1}', 100.0)
    await store.save_wizard(7, '{"step": 2}', 110.0)
    await store.save_wizard(8, '{"other": true}', 110.0)
    assert await store.load_wizard(7, 50.0) == '{"step": 2}'
    assert await store.load_wizard(8, 50.0) == '{"other": true}'
    await store.drop_wizard(7)
    await store.drop_wizard(7)  # harmless twice
    assert await store.load_wizard(7, 50.0) is None
    assert await store.load_wizard(8, 50.0) == '{"other": true}'


async def test_a_wizard_touched_before_since_is_put_away_for_good(store: Store) -> None:
    """Loading with ``since`` after its last touch: absent, and deleted, with every other
    wizard that old; ones touched since stay."""
    await store.save_wizard(1, "old", 100.0)
    await store.save_wizard(2, "older", 90.0)
    await store.save_wizard(3, "new", 200.0)
    assert await store.load_wizard(1, 150.0) is None
    assert await store.load_wizard(1, 0.0) is None  # deleted, not just hidden
    assert await store.load_wizard(2, 0.0) is None
    assert await store.load_wizard(3, 150.0) == "new"
    assert await store.load_wizard(3, 200.0) == "new"  # touched exactly then: still kept
