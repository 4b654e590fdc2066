"""The storage contract for ``CheckinStore``: check-ins, progress, answers and totals.

Every backend in ``conftest.BACKENDS`` must pass it; see conftest.py to add one.
"""

from __future__ import annotations

from typing import Any

import pytest

from storage.base import (
    Audience,
    Checkin,
    ContactStatus,
    NewCheckin,
    Progress,
    StorageError,
    Store,
)
from tests.storage.contract import INVITE, LINK, NOW, TODAY, K, later, new_checkin, snapshot


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (NOW - 11, []),
        (NOW - 1, ["early"]),
        (NOW, ["later", "early"]),
        (NOW + 99, ["later", "early"]),
        (NOW + 100, ["early"]),
        (NOW + 10**6, ["early"]),
    ],
)
async def test_open_checkins_by_time(store: Store, now: float, expected: list[str]) -> None:
    """A check-in is open from ``opens_at`` until before ``closes_at``; newest first."""
    await store.open_checkin(NewCheckin("early", None, NOW - 10, None), Audience(), INVITE)
    await store.open_checkin(NewCheckin("later", None, NOW, NOW + 100), Audience(), INVITE)
    assert [c.survey_id for c in await store.open_checkins(now)] == expected


async def test_checkins_lists_newest_first(store: Store) -> None:
    """All check-ins come back newest (latest opening) first and one can be fetched by id."""
    old, _ = await store.open_checkin(NewCheckin("a", None, NOW, None), Audience(), INVITE)
    new, _ = await store.open_checkin(NewCheckin("b", None, NOW + 5, NOW + 9), Audience(), INVITE)
    assert await store.checkins() == [new, old]
    assert await store.checkin(new.id) == Checkin(new.id, "b", None, NOW + 5, NOW + 9, invited=0)
    assert await store.checkin(new.id + 100) is None


async def test_open_checkin_invites_joined_members_of_the_cohort(store: Store) -> None:
    """Invitations go to joined members of the cohort only, due when the check-in opens."""
    north = await store.add_cohort("North", "N1", TODAY)
    south = await store.add_cohort("South", "S1", TODAY)
    for chat_id, cohort_id in [(1, north.id), (2, north.id), (3, north.id), (4, north.id)]:
        await store.join(chat_id, cohort_id, "en", TODAY, chat_id)
    await store.join(5, south.id, "en", TODAY, 5)
    await store.set_status(3, ContactStatus.STOPPED, None)
    await store.mark_unreachable([4])

    checkin, queued = await store.open_checkin(
        NewCheckin("weekly", north.id, NOW, None), Audience(cohort_id=north.id), INVITE
    )

    assert queued == 2
    assert checkin is not None and checkin.invited == 2
    assert await store.checkin(checkin.id) == checkin  # the count is kept
    assert await store.claim_due(NOW - 1, 10) == []
    due = await store.claim_due(NOW, 10)
    assert sorted(m.chat_id for m in due) == [1, 2]
    assert all(m.payload == INVITE(checkin) and m.due_at == NOW for m in due)
    entries = await store.outbox_entries(f"checkin:{checkin.id}:invite:")
    assert sorted((e.chat_id, e.dedupe_key, e.expires_at) for e in entries) == [
        (1, f"checkin:{checkin.id}:invite:1", None),
        (2, f"checkin:{checkin.id}:invite:2", None),
    ]
    _, everyone = await store.open_checkin(
        NewCheckin("weekly", None, NOW, None), Audience(), INVITE
    )
    assert everyone == 3


@pytest.mark.timeout(30)
async def test_open_checkin_for_ten_thousand_contacts(store: Store) -> None:
    """Opening a check-in for 10,000 contacts queues 10,000 invitations in one quick step."""
    cohort = await store.add_cohort("Everyone", "E1", TODAY)
    await store.join_many(range(1_000_000, 1_010_000), cohort.id, "en", TODAY)
    _, queued = await store.open_checkin(
        NewCheckin("weekly", cohort.id, NOW, None), Audience(cohort_id=cohort.id), INVITE
    )
    assert queued == 10_000
    assert (await store.outbox_counts())["queued"] == 10_000


# Answers -------------------------------------------------------------------------------------


async def test_progress_round_trip_and_upsert(store: Store) -> None:
    """Saved progress comes back decoded; saving again replaces it."""
    checkin = await new_checkin(store)
    assert await store.progress(LINK) is None
    await store.save_progress(LINK, checkin.id, {"step": 1, "answers": {"a": [1]}}, TODAY, 1)
    assert await store.progress(LINK) == Progress(checkin.id, {"step": 1, "answers": {"a": [1]}})
    await store.save_progress(LINK, checkin.id, {"step": 2}, TODAY, 2)
    assert await store.progress(LINK) == Progress(checkin.id, {"step": 2})


async def test_finish_response_keeps_answers_waiting_but_counts_them_finished(
    store: Store,
) -> None:
    """Finishing deletes the progress row and counts the person as finished at once (marks,
    has_finished, the view), but writes no answers while fewer than K wait."""
    checkin = await new_checkin(store)
    await store.join(1, None, "en", TODAY, 1)
    await store.save_progress(LINK, checkin.id, {"step": 3}, TODAY, 2)
    answers = {"mood": "good", "topics": ["school", "housing"], "note": "thanks"}

    assert await store.finish_response(LINK, checkin.id, answers, TODAY, 3, batch=K)

    assert await store.progress(LINK) is None
    assert await store.has_finished(checkin.id, LINK)
    assert not await store.has_finished(checkin.id, "someone-else")
    assert not await store.has_finished(checkin.id + 1, LINK)
    assert await store.finished_marks(checkin.id) == {LINK}
    view = await store.checkin_view(1, checkin.id, LINK, lambda c: Audience())
    assert (view.progress, view.finished) == (None, True)
    assert (await store.totals(checkin.id)).responses == 0
    assert await store.response_counts() == {}


async def test_the_kth_finish_releases_the_whole_batch(store: Store) -> None:
    """When K responses of a check-in wait, that finish releases all K (answers and marks);
    the next ones wait for the next batch. Another check-in's count is its own."""
    checkin, other = await new_checkin(store), await new_checkin(store)
    await store.finish_response("link-x", other.id, {"mood": "bad"}, TODAY, 99, batch=K)
    for n in range(K - 1):
        await store.finish_response(f"link-{n}", checkin.id, {"mood": "ok"}, TODAY, n, batch=K)
    assert (await store.totals(checkin.id)).responses == 0

    await store.finish_response("link-k", checkin.id, {"mood": "good"}, TODAY, 50, batch=K)

    totals = await store.totals(checkin.id)
    assert totals.responses == K and totals.counts == {"mood": {"ok": K - 1, "good": 1}}
    await store.finish_response("link-next", checkin.id, {"mood": "bad"}, TODAY, 51, batch=K)
    assert (await store.totals(checkin.id)).responses == K
    marks = {f"link-{n}" for n in range(K - 1)} | {"link-k", "link-next"}
    assert await store.finished_marks(checkin.id) == marks
    assert (await store.totals(other.id)).responses == 0
    assert await store.release_waiting(checkin.id, TODAY) == 1
    assert await store.response_counts() == {checkin.id: K + 1}


async def test_release_waiting_releases_what_waits_once(store: Store) -> None:
    """``release_waiting`` writes whatever waits as one batch, with fresh response ids (every
    response stays whole) and the release date; a second call releases nothing."""
    checkin = await new_checkin(store)
    given = [{"mood": "good", "age": 17}, {"mood": "bad", "age": 18}]
    for n, answers in enumerate(given):
        await store.finish_response(f"link-{n}", checkin.id, answers, TODAY, n, batch=K)
    released_on = later(10)

    assert await store.release_waiting(checkin.id, released_on) == 2
    assert await store.release_waiting(checkin.id, released_on) == 0

    found = await store.responses(checkin.id)
    assert sorted(found, key=lambda r: r["age"]) == given
    assert await store.finished_marks(checkin.id) == {"link-0", "link-1"}
    # Dated by the release: answers are kept 730 days from it, not from finishing.
    keep = {"unfinished_days": 7, "answer_days": 730, "contact_days": 90, "alert_days": 365}
    assert (await store.apply_retention(later(731), **keep)).answers == 0
    assert (await store.apply_retention(later(741), **keep)).answers == 4
    assert await store.release_waiting(checkin.id + 1, TODAY) == 0


async def test_release_closed_releases_each_closed_checkins_batch(store: Store) -> None:
    """Whatever waits for a check-in that has closed is released, as one batch per check-in;
    an open check-in's waiting responses stay waiting."""
    closing, _ = await store.open_checkin(
        NewCheckin("weekly", None, NOW, NOW + 100), Audience(), INVITE
    )
    assert closing is not None
    still_open = await new_checkin(store)
    for n in range(2):
        await store.finish_response(f"c-{n}", closing.id, {"q": "a"}, TODAY, n, batch=K)
        await store.finish_response(f"o-{n}", still_open.id, {"q": "b"}, TODAY, 10 + n, batch=K)

    assert await store.release_closed(NOW + 99, TODAY) == 0
    assert await store.release_closed(NOW + 100, TODAY) == 2
    assert await store.release_closed(NOW + 200, TODAY) == 0

    assert await store.response_counts() == {closing.id: 2}
    assert await store.finished_marks(still_open.id) == {"o-0", "o-1"}


async def test_finish_twice_for_one_link_writes_nothing(store: Store) -> None:
    """A second finish for the same link fails as a whole, whether the first still waits or
    was released: no answers, no claim."""
    checkin = await new_checkin(store)
    await store.finish_response(LINK, checkin.id, {"mood": "good"}, TODAY, 1, batch=K)
    for released in (False, True):
        if released:
            assert await store.release_waiting(checkin.id, TODAY) == 1
        before = await snapshot(store)
        with pytest.raises(StorageError):
            await store.finish_response(LINK, checkin.id, {"mood": "bad"}, TODAY, 2, batch=K)
        assert await snapshot(store) == before
    assert await store.claim_update(2, NOW)  # the failed calls' update id was not kept
    assert (await store.totals(checkin.id)).counts == {"mood": {"good": 1}}


async def test_totals_count_each_item_of_multi_answers(store: Store) -> None:
    """Totals count finished responses, and per question each value, list items one by one."""
    checkin = await new_checkin(store)
    other = await new_checkin(store)
    given: list[dict[str, Any]] = [
        {"mood": "good", "topics": ["school", "housing"], "age": 17},
        {"mood": "good", "topics": ["school"], "age": 18},
        {"mood": "bad", "topics": []},
    ]
    for n, answers in enumerate(given):
        await store.finish_response(f"link-{n}", checkin.id, answers, TODAY, n, batch=K)
    await store.finish_response("link-x", other.id, {"mood": "bad"}, TODAY, 99, batch=K)
    await store.release_waiting(checkin.id, TODAY)

    totals = await store.totals(checkin.id)

    assert totals.responses == 3
    assert totals.counts == {
        "mood": {"good": 2, "bad": 1},
        "topics": {"school": 2, "housing": 1},
        "age": {"17": 1, "18": 1},
    }
    assert (await store.totals(other.id + 1)).responses == 0


async def test_refresh_progress_claims_nothing_and_never_brings_a_row_back(
    store: Store,
) -> None:
    """Details learnt after a turn (which message shows the question) replace the state of
    rows that still exist, claim no update, and write nothing for a row that is gone."""
    checkin = await new_checkin(store)
    other = "f" * 64
    await store.save_progress(LINK, checkin.id, {"step": 1}, TODAY, 1)
    found = await store.progress_many([LINK, other])
    assert found == {LINK: Progress(checkin.id, {"step": 1})}
    states = {LINK: (checkin.id, {"step": 1, "message": 5}), other: (checkin.id, {"step": 0})}
    assert await store.refresh_progress(states, TODAY) == 1
    assert await store.progress(LINK) == Progress(checkin.id, {"step": 1, "message": 5})
    assert await store.progress(other) is None
    assert await store.save_progress(LINK, checkin.id, {"step": 2}, TODAY, 2)  # 2 is unclaimed
    assert await store.progress_many([]) == {}


async def test_checkin_view_reads_a_whole_turn_at_once(store: Store) -> None:
    """One read gives the contact, the check-in, whether the audience the caller names for it
    includes the person, their progress on it and whether they finished it."""
    north = await store.add_cohort("North", "N1", TODAY)
    await store.join(1, north.id, "en", TODAY, 1)
    await store.join(2, None, "en", TODAY, 2)
    checkin = await new_checkin(store)  # for everyone
    by_cohort = lambda c: Audience(cohort_id=north.id)  # noqa: E731

    view = await store.checkin_view(1, checkin.id, LINK, by_cohort)
    assert view.contact is not None and view.contact.cohort_id == north.id
    assert (view.checkin, view.invited, view.progress, view.finished) == (
        checkin,
        True,
        None,
        False,
    )
    assert not (await store.checkin_view(2, checkin.id, LINK, by_cohort)).invited
    assert (await store.checkin_view(2, checkin.id, LINK, lambda c: Audience())).invited

    await store.save_progress(LINK, checkin.id, {"step": 1}, TODAY, 10)
    view = await store.checkin_view(1, checkin.id, LINK, by_cohort)
    assert view.progress == Progress(checkin.id, {"step": 1})
    await store.finish_response(LINK, checkin.id, {"q": "a"}, TODAY, 11, batch=K)
    view = await store.checkin_view(1, checkin.id, LINK, by_cohort)
    assert (view.progress, view.finished) == (None, True)

    stranger = await store.checkin_view(99, checkin.id + 1, LINK, by_cohort)
    assert (stranger.contact, stranger.checkin, stranger.invited) == (None, None, False)
