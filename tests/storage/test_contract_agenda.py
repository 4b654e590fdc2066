"""The storage contract, agenda part: ideas tied to nobody, the action plan, made surveys."""

from __future__ import annotations

from storage.base import IdeaStatus, NewPlanAction, Store, UpdateStatus
from tests.storage.contract import CHAT, NOW, TODAY


async def test_an_idea_is_kept_under_a_random_code_once_per_update(store: Store) -> None:
    """A repeated update keeps nothing twice; codes are short, random and all differ."""
    first = await store.add_idea("More help with bills", TODAY, update_id=1)
    assert first is not None and len(first) == 6
    assert await store.add_idea("More help with bills", TODAY, update_id=1) is None
    codes = {await store.add_idea(f"idea {n}", TODAY, update_id=10 + n) for n in range(20)}
    assert len(codes) == 20 and first not in codes
    idea = await store.idea(first)
    assert idea is not None
    assert (idea.text, idea.status, idea.suggested_on, idea.backers) == (
        "More help with bills",
        IdeaStatus.NEW,
        TODAY,
        1,
    )
    listed = await store.ideas()
    assert [i.id for i in listed] == sorted(i.id for i in listed)  # by code, not by arrival
    assert await store.idea_counts() == {IdeaStatus.NEW: 21}


async def test_ideas_are_approved_set_aside_and_merged(store: Store) -> None:
    """Merging moves the backers to the idea that counts them; a bad merge changes nothing."""
    keep = await store.add_idea("Cheaper bus passes", TODAY, update_id=1)
    same = await store.add_idea("bus passes cost too much", TODAY, update_id=2)
    rude = await store.add_idea("something unkind", TODAY, update_id=3)
    assert keep and same and rude
    approved = await store.decide_idea(keep, IdeaStatus.APPROVED, "2025-03-02")
    assert approved is not None and approved.status is IdeaStatus.APPROVED
    assert approved.decided_on == "2025-03-02"
    assert await store.decide_idea(same, IdeaStatus.MERGED, TODAY, into=same) is None
    assert await store.decide_idea(same, IdeaStatus.MERGED, TODAY, into="nope00") is None
    merged = await store.decide_idea(same, IdeaStatus.MERGED, TODAY, into=keep)
    assert merged is not None and merged.merged_into == keep and merged.backers == 0
    target = await store.idea(keep)
    assert target is not None and target.backers == 2
    aside = await store.decide_idea(rude, IdeaStatus.SET_ASIDE, TODAY, why="Not kind")
    assert aside is not None and aside.why == "Not kind"
    assert [i.id for i in await store.ideas([IdeaStatus.APPROVED])] == [keep]
    assert await store.decide_idea("nope00", IdeaStatus.APPROVED, TODAY) is None
    assert await store.idea_counts() == {
        IdeaStatus.APPROVED: 1,
        IdeaStatus.MERGED: 1,
        IdeaStatus.SET_ASIDE: 1,
    }


async def test_plan_actions_keep_when_their_status_really_changed(store: Store) -> None:
    """Setting the same status again leaves ``changed_at`` alone; cohort plans include
    the actions for everyone."""
    cohort = await store.add_cohort("North", "north-code", TODAY)
    new = NewPlanAction(
        "Money",
        "Run a budgeting session",
        "Leaving care manager",
        "2025-04-01",
        UpdateStatus.PLANNED,
        None,
        "command line",
        NOW,
    )
    everyone = await store.add_plan_action(new)
    north = await store.add_plan_action(
        NewPlanAction(
            "Home",
            "Visit every flat",
            "Housing officer",
            None,
            UpdateStatus.IN_PROGRESS,
            cohort.id,
            "staff 1",
            NOW + 1,
        )
    )
    assert await store.plan_action(everyone.id) == everyone
    assert [a.id for a in await store.plan_actions()] == [everyone.id, north.id]
    assert [a.id for a in await store.plan_actions(cohort.id)] == [everyone.id, north.id]
    other = await store.add_cohort("South", "south-code", TODAY)
    assert [a.id for a in await store.plan_actions(other.id)] == [everyone.id]
    done = await store.set_plan_status(everyone.id, UpdateStatus.DONE, NOW + 50)
    assert done is not None and done.status is UpdateStatus.DONE and done.changed_at == NOW + 50
    again = await store.set_plan_status(everyone.id, UpdateStatus.DONE, NOW + 99)
    assert again is not None and again.changed_at == NOW + 50
    assert await store.set_plan_status(999, UpdateStatus.DONE, NOW) is None
    reworded = await store.reword_plan_action(north.id, "Drop-in on Fridays", "Youth worker",
                                              "2027-01-31", NOW + 60)  # fmt: skip
    assert reworded is not None
    assert (reworded.what, reworded.role, reworded.due_on) == (
        "Drop-in on Fridays",
        "Youth worker",
        "2027-01-31",
    )
    assert reworded.status is north.status and reworded.priority == north.priority
    assert reworded.changed_at == NOW + 60
    same = await store.reword_plan_action(north.id, "Drop-in on Fridays", "Youth worker",
                                          "2027-01-31", NOW + 99)  # fmt: skip
    assert same == reworded  # nothing changed, so neither did changed_at
    cleared = await store.reword_plan_action(north.id, "Drop-in on Fridays", "Youth worker",
                                             None, NOW + 70)  # fmt: skip
    assert cleared is not None and cleared.due_on is None and cleared.changed_at == NOW + 70
    assert await store.reword_plan_action(999, "x", "y", None, NOW) is None


async def test_plan_seen_is_remembered_and_erased_with_the_person(store: Store) -> None:
    assert await store.plan_seen(CHAT) is None
    await store.see_plan(CHAT, NOW)
    await store.see_plan(CHAT, NOW + 5)
    assert await store.plan_seen(CHAT) == NOW + 5
    assert await store.erase_person(CHAT, [], update_id=77)
    assert await store.plan_seen(CHAT) is None


async def test_made_surveys_are_kept_once_per_id(store: Store) -> None:
    assert await store.made_surveys() == {}
    assert await store.save_made_survey("priorities_1", "priorities", '{"id": "priorities_1"}')
    assert not await store.save_made_survey("priorities_1", "review", "{}")
    assert await store.made_surveys() == {"priorities_1": ("priorities", '{"id": "priorities_1"}')}
