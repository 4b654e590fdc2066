"""Unit tests for gaps a reviewer found in flows.results: a follow-up on several picks giving
away a small group, an old option stored in a pick-several answer, and findings that say
"all of you" when it is not all, or when it would tell staff what each of a few said."""

from __future__ import annotations

import random
from typing import Any

import pytest

from flows.results import Hidden, QuestionResult, findings, summarise
from flows.survey import Survey
from storage.values import Checkin, Totals

K = 5
CLOSED = Checkin(4, "t", None, 100.0, 200.0, invited=40)
BRANCH_HIDDEN = "it follows an answer given by fewer than 5, so its numbers are hidden too"


def survey(*questions: dict[str, Any]) -> Survey:
    return Survey.model_validate(
        {
            "schema_version": 1,
            "id": "t",
            "title": "T",
            "intro": "i",
            "thanks": "t",
            "questions": list(questions),
        }
    )


MONEY = {
    "id": "worries",
    "type": "multi",
    "text": "What worries you?",
    "options": [
        {"id": "money", "label": "Money"},
        {"id": "talk", "label": "Someone to talk to"},
        {"id": "home", "label": "Home"},
    ],
}
FOLLOW = {
    "id": "help",
    "type": "yesno",
    "text": "Did you get help?",
    "show_if": {"question": "worries", "answer": ["money", "talk"]},
}


def follow_up(answered: int, money: int, talk: int, base: int) -> QuestionResult:
    counts = {
        "worries": {"money": money, "talk": talk, "home": answered},
        "help": {"yes": base, "no": 0},
    }
    totals = Totals(4, answered, counts, {"worries": answered, "help": base})
    found = summarise(survey(MONEY, FOLLOW), CLOSED, totals, {}, K, random.Random(0))
    return found.questions[1]


@pytest.mark.parametrize(
    ("answered", "money", "talk", "base", "hidden"),
    [
        # The reviewer's example: base 12 next to Money 10 shows exactly 2 picked Talk
        # but not Money (and 2 picked Money but not Talk).
        (20, 10, 10, 12, True),
        # 18 of 20 picked one of them: exactly 2 picked neither.
        (20, 10, 10, 18, True),
        # 10 + 8 - 16: exactly 2 picked both.
        (20, 10, 8, 16, True),
        # Every group it tells is 0 or at least K.
        (20, 10, 10, 15, False),
        (20, 10, 10, 20, False),
        (20, 10, 10, 10, False),
    ],
)
def test_follow_up_on_several_picks_gives_away_no_small_group(
    answered: int, money: int, talk: int, base: int, hidden: bool
) -> None:
    """A follow-up on two options of a pick-several question is asked of whoever picked
    either (a union): it is hidden whole when its base next to the trigger counts tells a
    group of 1 to K-1 (base - a trigger, answered - base, or the two triggers' sum - base)."""
    result = follow_up(answered, money, talk, base)
    assert (result.hidden_reason == BRANCH_HIDDEN) is hidden
    assert (result.base is None) is hidden


def test_follow_up_whose_base_does_not_add_up_is_hidden() -> None:
    """Counts that cannot be a union (a base above how many answered, or below a trigger)
    cannot be checked, so the follow-up is hidden."""
    assert follow_up(20, 10, 10, 9).hidden_reason == BRANCH_HIDDEN


def test_old_option_in_a_pick_several_answer_counts_as_a_pick() -> None:
    """An option removed from the survey but still in stored answers is one more pick, not a
    separate answer: everyone here answered, so 17 who picked "money" leaves 3 who did not,
    and that count must be hidden."""
    counts = {"worries": {"money": 17, "talk": 5, "home": 5, "gone": 3}}
    totals = Totals(4, 20, counts, {"worries": 20})
    (result,) = summarise(survey(MONEY), CLOSED, totals, {}, K, random.Random(0)).questions
    cells = {c.value: c for c in result.cells}
    assert result.base == 20
    assert cells["money"].count is None and cells["money"].hidden is Hidden.PROTECTS
    assert cells["gone"].count is None and cells["gone"].hidden is Hidden.SMALL


YESNO = {"id": "q", "type": "yesno", "text": "Do you feel safe?"}


def _finding(yes: int, no: int) -> list[str]:
    totals = Totals(4, yes + no, {"q": {"yes": yes, "no": no}}, {"q": yes + no})
    return findings(summarise(survey(YESNO), CLOSED, totals, {}, K, random.Random(0)))


def test_nearly_all_rounded_to_100_percent_is_not_all_of_you() -> None:
    """19,995 of 20,000 rounds to 100% but is not everyone: "Almost all of you"."""
    assert _finding(19_995, 5) == ['Almost all of you said "Yes" to "Do you feel safe?"']


def test_all_of_a_small_group_is_not_a_finding() -> None:
    """ "All of you said yes" about 7 people tells staff who know them what each said: below
    2K it is no finding; from 2K it is."""
    assert _finding(7, 0) == []
    assert _finding(9, 0) == []
    assert _finding(10, 0) == ['All of you said "Yes" to "Do you feel safe?"']


def test_no_finding_says_none_of_you() -> None:
    assert all("none" not in f.lower() for f in _finding(0, 20))


def test_two_options_overlapping_by_a_small_group_are_hidden() -> None:
    """Found by the union-aware property test: with both options of a two-option question
    shown, 7 + 5 picks by 10 people tells that exactly 2 picked both."""
    shape = {**MONEY, "options": MONEY["options"][:2]}
    totals = Totals(4, 10, {"worries": {"money": 7, "talk": 5}}, {"worries": 10})
    (result,) = summarise(survey(shape), CLOSED, totals, {}, 3, random.Random(0)).questions
    assert result.hidden_reason == "its numbers would let a small group be worked out"


def test_follow_up_with_one_other_option_hides_who_picked_it_and_a_trigger() -> None:
    """Found by the union-aware property test: 8 answered, each option picked by 5, and the
    follow-up on Money or Talk asked of 5: the 3 who picked neither all picked Home, so
    exactly 2 picked Home and Money or Talk."""
    counts = {"worries": {"money": 5, "talk": 5, "home": 5}, "help": {"yes": 0, "no": 5}}
    totals = Totals(4, 8, counts, {"worries": 8, "help": 5})
    found = summarise(survey(MONEY, FOLLOW), CLOSED, totals, {}, 3, random.Random(0))
    assert found.questions[1].hidden_reason == (
        "it follows an answer given by fewer than 3, so its numbers are hidden too"
    )
