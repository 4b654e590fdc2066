"""Unit tests for flows.priorities: the round's survey (ideas and themes, in every reading, with
labels that fit a phone) and its ranking, made from suppressed figures only."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.engine import DONE, Press, Toast, advance, start
from flows.priorities import (
    BUTTON,
    MAX_IDEAS,
    MAX_PICKS,
    QUESTION,
    THEMES,
    Ranking,
    build_round,
    idea_option,
    next_round_id,
    ranking,
    ranking_lines,
    shorten,
)
from flows.results import summarise
from flows.survey import SKIPPED, Survey, load_surveys
from storage.values import Checkin, Totals

LONG = (
    "Free bus passes for everyone leaving care until they are 25, because getting to college "
    "and to appointments costs far too much when you live on your own"
)
IDEAS = [("3kx7pq", LONG), ("9abcde", "Longer drop-in hours"), ("2zz2zz", "Call 07700 900123")]


def test_a_round_asks_ideas_then_themes_pick_up_to_three() -> None:
    survey = build_round("priorities_1", IDEAS)
    (question,) = survey.questions
    assert question.id == QUESTION and question.max_picks == MAX_PICKS and question.optional
    ids = [o.id for o in question.options or []]
    assert ids == [*(idea_option(c) for c, _ in IDEAS), *(t for t, _ in THEMES)]
    assert all(len(o.label) <= BUTTON for o in question.options or [])
    assert question.label_for(idea_option("3kx7pq")) == "Free bus passes for everyone…"
    # The question shows each idea's words in full, contact details taken out.
    assert question.details is not None and LONG in question.details
    assert "07700" not in question.details and "[phone number removed]" in question.details
    assert question.text == "What should change first? Pick up to 3, then tap Done."
    assert "Ideas from young people are under the question" in survey.intro


@pytest.mark.parametrize(
    ("reading", "words"),
    [
        ("cy", ["Arian", "Cartref", "Teimlo'n ddiogel", "Addysg a gwaith", "Pethau i wneud"]),
        ("en@easyread", ["Money", "A place to live", "School, college or a job"]),
        ("cy@easyread", ["Arian", "Lle i fyw", "Ysgol, coleg neu swydd"]),
    ],
)
def test_themes_and_words_come_in_every_reading(reading: str, words: list[str]) -> None:
    survey = build_round("priorities_2", IDEAS[:1])
    (question,) = survey.questions
    labels = [question.label_for(o.id, reading) for o in question.options or []]
    assert all(word in labels for word in words)
    # An idea is in its writer's words in every reading.
    assert labels[0] == "Free bus passes for everyone…"
    assert question.text_for(reading) != question.text
    assert survey.wording("intro")  # every reading has an intro (falls back when missing)


def test_a_round_with_no_ideas_asks_about_the_themes_only() -> None:
    (question,) = build_round("priorities_3", []).questions
    assert [o.id for o in question.options or []] == [t for t, _ in THEMES]
    assert question.details is None and "Ideas" not in survey_intro("priorities_3")


def survey_intro(survey_id: str) -> str:
    return build_round(survey_id, []).intro


def test_too_many_ideas_are_refused() -> None:
    with pytest.raises(ValueError, match="10 ideas at most"):
        build_round("priorities_4", [(f"c{n:05d}", f"idea {n}") for n in range(MAX_IDEAS + 1)])


def test_an_idea_of_emoji_only_still_gets_words_on_its_button() -> None:
    (question,) = build_round("priorities_5", [("emoji1", "🚌🚌🚌")]).questions
    assert question.label_for(idea_option("emoji1")) == "Idea 1"


@pytest.mark.parametrize(
    ("text", "most", "expected"),
    [
        ("Short", 30, "Short"),
        ("  many   spaces\nand lines ", 30, "many spaces and lines"),
        ("Free bus passes for everyone leaving care", 30, "Free bus passes for everyone…"),
        ("Supercalifragilisticexpialidocious-and-more", 12, "Supercalifr…"),
    ],
)
def test_shorten_cuts_at_a_space_with_an_ellipsis(text: str, most: int, expected: str) -> None:
    assert shorten(text, most) == expected
    assert len(shorten(text, most)) <= most


def test_round_ids_count_on_from_the_highest() -> None:
    assert next_round_id(["weekly"]) == "priorities_1"
    assert next_round_id(["priorities_1", "priorities_7", "priorities_x", "review_9"]) == (
        "priorities_8"
    )


def test_the_engine_refuses_a_fourth_pick_kindly() -> None:
    survey = build_round("priorities_1", IDEAS)
    state, _ = start(survey)
    for value in ("money", "home", idea_option("3kx7pq")):
        state, _ = advance(survey, state, Press(QUESTION, value))
    fourth = advance(survey, state, Press(QUESTION, "health"))
    assert fourth == (state, [Toast("max_picks", {"most": 3})])
    state, _ = advance(survey, state, Press(QUESTION, DONE))
    assert state.answers == {QUESTION: [idea_option("3kx7pq"), "money", "home"]}


# --- the ranking -------------------------------------------------------------------------------


CHECKIN = Checkin(1, "priorities_1", None, 0.0, 10.0, invited=40)


def ranked(counts: dict[str, int], asked: int, k: int = 5, survey: Survey | None = None) -> Ranking:
    survey = survey or build_round("priorities_1", IDEAS[:1])
    totals = Totals(1, asked, {QUESTION: counts}, {QUESTION: asked})
    results = summarise(survey, CHECKIN, totals, {}, k, random.Random(0), now=20.0)
    found = ranking(results)
    assert found is not None
    return found


def test_ranking_orders_shown_counts_and_shares_ties() -> None:
    idea = idea_option("3kx7pq")
    counts = {idea: 18, "money": 12, "home": 12, "safe": 9, "talk": 0, "health": 6}
    counts |= {"study_work": 6, "things_to_do": 0, SKIPPED: 0}
    found = ranked(counts, asked=24)
    assert [(p.label, p.rank, p.count_text) for p in found.ranked] == [
        ("Free bus passes for everyone… [idea 3kx7pq]", 1, "18"),
        ("Money", 2, "12"),
        ("Home", 2, "12"),
        ("Feeling safe", 4, "9"),
        ("Education and work", 5, "6"),  # ties keep the survey's order
        ("Health", 5, "6"),
    ]
    assert found.nobody == ("Someone to talk to", "Things to do") and found.hidden == ()
    lines = ranking_lines(found)
    assert lines[0] == "What matters most, by how many picked it (24 asked, up to 3 each):"
    assert lines[1] == "  1. Free bus passes for everyone… [idea 3kx7pq]: 18 (75%)"
    assert lines[2:4] == [" =2. Money: 12 (50%)", " =2. Home: 12 (50%)"]
    assert lines[-1] == "Picked by nobody: Someone to talk to; Things to do"


def test_a_few_unused_picks_hide_the_smallest_count() -> None:
    """24 people could make 72 picks: 68 picks tell that 1 to 4 people picked fewer than 3,
    a small group, so the smallest count is hidden too, and said to be able to sit anywhere."""
    idea = idea_option("3kx7pq")
    counts = {idea: 18, "money": 12, "home": 12, "safe": 9, "talk": 0, "health": 6}
    counts |= {"study_work": 6, "things_to_do": 5, SKIPPED: 0}
    found = ranked(counts, asked=24)
    assert [p.label for p in found.hidden] == ["Things to do"]
    assert found.guarded and "could sit anywhere above" in ranking_lines(found)[-2]


def test_small_counts_are_not_ranked_and_never_shown() -> None:
    """Counts from 1 to K-1 are listed apart, in the survey's order, as "fewer than K"; any
    count hidden to protect them is said to be able to sit anywhere in the order."""
    idea = idea_option("3kx7pq")
    found = ranked(
        {
            idea: 2,
            "money": 15,
            "home": 11,
            "safe": 1,
            "talk": 8,
            "health": 7,
            "study_work": 6,
            "things_to_do": 5,
            SKIPPED: 0,
        },
        asked=20,
    )
    shown = {p.label: p.count_text for p in found.ranked}
    hidden = {p.label: p.count_text for p in found.hidden}
    assert all(p.rank is None and p.percent is None for p in found.hidden)
    assert hidden["Feeling safe"] == "fewer than 5"
    assert hidden["Free bus passes for everyone… [idea 3kx7pq]"] == "fewer than 5"
    assert all(not 0 < int(text) < 5 for text in shown.values())
    lines = ranking_lines(found)
    assert lines[-1].startswith("Not ranked (")
    assert "Feeling safe (fewer than 5)" in lines[-1]


def test_a_whole_hidden_question_hides_the_ranking() -> None:
    found = ranked({"money": 2, "home": 1, SKIPPED: 3}, asked=6)
    assert found.hidden_reason == "fewer than 5 answered it"
    assert ranking_lines(found) == ["The ranking is hidden: fewer than 5 answered it."]


def test_other_check_ins_have_no_ranking() -> None:
    """Only a priorities round's results have a ranking, and only once they show."""
    weekly = load_surveys()["weekly"]
    other = Checkin(1, "weekly", None, 0.0, 10.0)
    results = summarise(weekly, other, Totals(1, 10), {}, 5, random.Random(0), now=20.0)
    assert ranking(results) is None
    survey = build_round("priorities_1", [])
    totals = Totals(1, 10, {QUESTION: {"money": 10}}, {QUESTION: 10})
    open_round = summarise(survey, CHECKIN, totals, {}, 5, random.Random(0), now=5.0)
    assert ranking(open_round) is None


@settings(max_examples=200, deadline=None)
@given(
    st.integers(3, 8),
    st.lists(
        st.lists(st.sampled_from([t for t, _ in THEMES]), max_size=3, unique=True), max_size=40
    ),
)
def test_a_ranking_never_shows_a_count_the_results_hide(k: int, people: list[list[str]]) -> None:
    """Whatever young people picked, every count in the ranking is one the results show (0 or
    at least K), every hidden count is unranked, and ranks never go up as counts go down."""
    survey = build_round("priorities_1", [])
    counts = {t: sum(t in chose for chose in people) for t, _ in THEMES}
    counts[SKIPPED] = sum(not chose for chose in people)
    totals = Totals(1, len(people), {QUESTION: counts}, {QUESTION: len(people)})
    results = summarise(survey, CHECKIN, totals, {}, k, random.Random(0), now=20.0)
    found = ranking(results)
    if len(people) < k:
        assert found is None
        return
    assert found is not None
    (question,) = results.questions
    visible = {c.label: c.count for c in question.cells if c.count is not None}
    for place in found.ranked:
        assert int(place.count_text) == visible[place.label] >= k
    for place in found.hidden:
        assert place.rank is None and place.label not in visible
    ranks = [(int(p.count_text), p.rank or 0) for p in found.ranked]
    assert all(a[1] <= b[1] and a[0] >= b[0] for a, b in pairwise(ranks))
    for line in ranking_lines(found):
        numbers = [int(w.strip(":(%),")) for w in line.split() if w.strip(":(%),").isdigit()]
        assert all(n == 0 or n >= k or n == MAX_PICKS or n == len(people) for n in numbers)
