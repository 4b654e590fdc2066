"""Ideas as pure rules (flows/ideas.py): the words kept of a typed idea, which decisions a
worker may make, and what young people may see, with property tests over random sets of ideas:
no count from 1 to K-1, never a set-aside or merged idea's words, and a waiting count that
moves only in steps of K."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.ideas import (
    APPROVED,
    IDEA_LIMIT,
    MERGED,
    NEW,
    SET_ASIDE,
    SHOWN,
    idea_words,
    why_not,
    young_view,
)

pytestmark = pytest.mark.timeout(120)


@dataclass(frozen=True)
class FakeIdea:
    id: str
    text: str
    status: str
    backers: int = 1
    decided_on: str | None = None


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  More youth clubs  ", ("More youth clubs", False)),
        ("   ", None),
        ("👍", None),
        ("?!", None),
        ("Bus 2", ("Bus 2", False)),
    ],
)
def test_idea_words_keep_the_words_and_refuse_none(
    typed: str, kept: tuple[str, bool] | None
) -> None:
    assert idea_words(typed) == kept


def test_a_long_idea_keeps_its_first_part_cut_at_a_space() -> None:
    found = idea_words("word " * 1000)
    assert found is not None
    words, cut = found
    assert cut and len(words) <= IDEA_LIMIT and words.endswith("word")


@pytest.mark.parametrize(
    ("status", "decision", "into", "problem"),
    [
        (NEW, APPROVED, None, None),
        (NEW, SET_ASIDE, None, None),
        (APPROVED, SET_ASIDE, None, None),
        (SET_ASIDE, APPROVED, None, None),  # a change of mind
        (APPROVED, APPROVED, None, "it is approved already"),
        (SET_ASIDE, SET_ASIDE, None, "it is set aside already"),
        (MERGED, APPROVED, None, "it was merged into another idea already"),
        (NEW, MERGED, ("b", APPROVED), None),
        (APPROVED, MERGED, ("b", NEW), None),
        (NEW, MERGED, None, "there is no idea with that code to merge it into"),
        (NEW, MERGED, ("a", NEW), "an idea cannot be merged into itself"),
        (NEW, MERGED, ("b", SET_ASIDE), "the idea to merge into is set aside"),
        (NEW, MERGED, ("b", MERGED), "the idea to merge into is merged"),
        (SET_ASIDE, MERGED, ("b", NEW), "it was set aside; approve it first"),
    ],
)
def test_which_decisions_a_worker_may_make(
    status: str, decision: str, into: tuple[str, str] | None, problem: str | None
) -> None:
    target = FakeIdea(into[0], "other", into[1]) if into else None
    found = why_not(FakeIdea("a", "idea", status), decision, target)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)


def test_young_people_see_waiting_in_steps_and_backers_only_from_k() -> None:
    ideas = [
        FakeIdea("a1", "Cheaper buses", APPROVED, backers=6, decided_on="2026-12-01"),
        FakeIdea("a2", "Youth club, ring 07700 900123", APPROVED, backers=2),
        FakeIdea("m1", "buses cost a lot", MERGED, backers=0),
        FakeIdea("s1", "something unkind", SET_ASIDE),
        *[FakeIdea(f"n{i}", f"new {i}", NEW) for i in range(7)],
    ]
    view = young_view(ideas, k=5)
    assert view.waiting == 5  # 7 waiting: "at least 5"
    assert [(i.text, i.backers) for i in view.approved] == [
        ("Cheaper buses", 6),
        ("Youth club, ring [phone number removed]", None),
    ]
    assert not view.more
    assert young_view(ideas[:4], k=5).waiting == 0
    assert young_view(ideas[:5], k=5).waiting is None  # one waiting: "a few"


def test_only_the_most_backed_approved_ideas_are_listed() -> None:
    ideas = [FakeIdea(f"a{i}", f"idea {i}", APPROVED, backers=i + 1) for i in range(SHOWN + 3)]
    view = young_view(ideas, k=3)
    assert len(view.approved) == SHOWN and view.more
    assert view.approved[0].text == f"idea {SHOWN + 2}"


STATUSES = st.sampled_from([NEW, APPROVED, MERGED, SET_ASIDE])


@st.composite
def idea_sets(draw: st.DrawFn) -> list[FakeIdea]:
    count = draw(st.integers(0, 30))
    return [
        FakeIdea(
            f"i{n}",
            f"words of idea {n}",
            draw(STATUSES),
            backers=draw(st.integers(0, 12)),
            decided_on=draw(st.sampled_from([None, "2026-12-01", "2026-12-02"])),
        )
        for n in range(count)
    ]


@given(idea_sets(), st.integers(3, 8))
def test_young_people_never_see_a_small_count_or_a_hidden_idea(
    ideas: list[FakeIdea], k: int
) -> None:
    """Whatever the ideas: no count from 1 to K-1 is shown, the waiting count is 0 or a
    multiple of K (so it cannot be watched going up one idea at a time), and no set-aside or
    merged idea's words ever appear."""
    view = young_view(ideas, k)
    waiting = sum(1 for i in ideas if i.status == NEW)
    if view.waiting is None:
        assert 0 < waiting < k
    else:
        assert view.waiting % k == 0 and view.waiting <= waiting < view.waiting + k
    shown_texts = {i.text for i in view.approved}
    hidden = {i.text for i in ideas if i.status in (SET_ASIDE, MERGED)}
    assert not shown_texts & hidden
    for idea in view.approved:
        assert idea.backers is None or idea.backers >= k
    approved = [i for i in ideas if i.status == APPROVED]
    assert len(view.approved) == min(len(approved), SHOWN)
