"""Unit tests for flows.results and flows.suppression: which counts are hidden and why,
follow-up questions, pick-several questions, free text, percentages, findings and trends."""

from __future__ import annotations

import random
from typing import Any

import pytest

from flows.results import (
    ANSWERED,
    MAX_TEXTS,
    Cell,
    Hidden,
    checkin_summary,
    findings,
    finished_words,
    summarise,
    trend,
)
from flows.suppression import could_be, option_ranges, partition_ranges, suppress_partition, values
from flows.survey import Survey
from storage.values import Checkin, Totals

K = 5
CHECKIN = Checkin(4, "t", None, 100.0, 200.0, invited=40)
S, P = Hidden.SMALL, Hidden.PROTECTS


def question(qid: str, kind: str, options: int = 3, **more: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": qid, "type": kind, "text": f"Question {qid}?", **more}
    if kind in ("choice", "multi"):
        data["options"] = [{"id": f"o{i}", "label": f"Option {i}"} for i in range(options)]
    if kind == "scale":
        data["scale"] = [{"label": f"point {i}"} for i in range(1, 6)]
    return data


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


def hidden_of(counts: dict[str, int], shape: dict[str, Any], responses: int | None = None) -> Any:
    """The hidden reasons of one question's cells (or the whole-question reason)."""
    made = survey(shape)
    total = sum(counts.values()) if responses is None else responses
    totals = Totals(4, total, {shape["id"]: counts}, {shape["id"]: total})
    (result,) = summarise(made, CHECKIN, totals, {}, K, random.Random(0)).questions
    if result.hidden_reason:
        return result.hidden_reason
    return {c.value: c.hidden for c in result.cells if c.hidden}


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # Nothing small: nothing hidden, zeros included.
        ({"o0": 10, "o1": 5, "o2": 0}, {}),
        # One small count is always worked out from the base, so the next smallest goes too.
        ({"o0": 10, "o1": 2, "o2": 6}, {"o1": S, "o2": P}),
        # Two small counts whose sum (from the base) allows several splits: enough alone.
        ({"o0": 10, "o1": 2, "o2": 3}, {"o1": S, "o2": S}),
        # Two small counts that can only be 4 and 4 (sum 8): a third is hidden.
        ({"o0": 10, "o1": 4, "o2": 4}, {"o1": S, "o2": S, "o0": P}),
        # Two ones: the only split of 2 is 1 and 1, so the other count goes too.
        ({"o0": 10, "o1": 1, "o2": 1}, {"o1": S, "o2": S, "o0": P}),
    ],
)
def test_choice_suppression(counts: dict[str, int], expected: dict[str, Hidden]) -> None:
    """Counts from 1 to K-1 are hidden as small; others are hidden (protects) only when the
    base and the shown counts would give a small one away."""
    assert hidden_of(counts, question("q", "choice")) == expected


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"yes": 20, "no": 2}, {"no": S, "yes": P}),
        # 6 and 1 could also be 5 and 2: hiding both is enough.
        ({"yes": 6, "no": 1}, {"no": S, "yes": P}),
        # 5 and 1 could be nothing else (yes is 0 or 5 or more): the question goes whole.
        ({"yes": 5, "no": 1}, "its numbers would let a small group be worked out"),
        ({"yes": 12, "no": 9}, {}),
    ],
)
def test_yes_no_suppression(counts: dict[str, int], expected: Any) -> None:
    """With two cells, one small count hides the other too; when even that cannot protect it,
    the whole question is hidden."""
    assert hidden_of(counts, question("q", "yesno")) == expected


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # 12 answered: money 10 (2 did not pick it: a small group), talk 3 (small).
        ({"o0": 10, "o1": 3, "o2": 6, "~skip": 8}, {"o0": P, "o1": S}),
        # Everyone who answered picked o0: no complement, nothing small.
        ({"o0": 12, "o1": 0, "o2": 6, "~skip": 8}, {}),
        # Only 3 answered (the rest skipped): fewer than K answered, the question hidden.
        ({"o0": 3, "o1": 1, "o2": 0, "~skip": 17}, "fewer than 5 answered it"),
    ],
)
def test_pick_several_suppression(counts: dict[str, int], expected: Any) -> None:
    """Each option is picked or not by those who answered: a count whose complement is small
    is hidden too, and a question answered by 1 to K-1 is hidden whole."""
    shape = question("q", "multi", optional=True)
    assert hidden_of(counts, shape, responses=20) == expected


def test_follow_up_of_a_hidden_answer_is_hidden_whole() -> None:
    """A follow-up's base is its trigger count: when that is hidden, so is the follow-up."""
    made = survey(
        question("safe", "yesno"),
        question("why", "choice", show_if={"question": "safe", "answer": ["no"]}),
    )
    totals = Totals(4, 20, {"safe": {"yes": 17, "no": 3}, "why": {"o0": 3}}, {"why": 3})
    found = summarise(made, CHECKIN, totals, {}, K, random.Random(0))
    assert found.questions[1].hidden_reason == (
        "it follows an answer given by fewer than 5, so its numbers are hidden too"
    )
    assert found.questions[1].cells == () and found.questions[1].base is None


def test_follow_up_of_a_shown_answer_is_shown() -> None:
    made = survey(
        question("safe", "yesno"),
        question("why", "choice", show_if={"question": "safe", "answer": ["no"]}),
    )
    totals = Totals(4, 20, {"safe": {"yes": 9, "no": 11}, "why": {"o0": 6, "o1": 5}}, {"why": 11})
    why = summarise(made, CHECKIN, totals, {}, K, random.Random(0)).questions[1]
    assert why.base == 11 and [c.count for c in why.cells] == [6, 5, 0]


NO_SAFE = "its numbers would let a small group be worked out"


@pytest.mark.parametrize(
    ("kind", "given", "asked", "hidden"),
    [
        ("choice", {"o0": 9}, 9, True),  # 100% of 9 (under 2K = 10): each one's answer
        ("choice", {"o0": 10}, 10, False),  # 2K or more: as "all of you" in findings
        ("yesno", {"no": 6}, 6, True),
        ("choice", {"o0": 8, "o1": 0, "o2": 1}, 9, False),  # not all alike: cells hidden
        ("multi", {"o0": 7, "o1": 3}, 7, True),  # everyone who answered picked o0
        ("multi", {"o0": 6, "o1": 5}, 7, False),
        ("multi", {"o0": 3, "~skip": 4}, 7, "fewer than 5 answered it"),
        ("text", {"fine": 1, "ok": 1, "good": 1, "meh": 1, "great": 1, "so-so": 1}, 6, False),
    ],
)
def test_everyone_alike_in_a_group_under_2k_hides_the_question_whole(
    kind: str, given: dict[str, int], asked: int, hidden: bool | str
) -> None:
    """Staff who know a small group would read each one's answer off "100%"; the reason
    given is the general one, never "they all said the same"."""
    made = survey(question("q", kind))
    totals = Totals(4, asked, {"q": given}, {"q": asked})
    found = summarise(made, CHECKIN, totals, {}, K, random.Random(0)).questions[0]
    if hidden:
        assert found.cells == () and found.base is None
        why = hidden if isinstance(hidden, str) else NO_SAFE
        assert found.hidden_reason == why
    else:
        assert found.hidden_reason is None and found.base == asked


def test_nothing_until_k_have_finished() -> None:
    """Fewer than K finished: responses is hidden and no question is shown."""
    made = survey(question("q", "choice"))
    found = summarise(made, CHECKIN, Totals(4, 4, {"q": {"o0": 4}}), {}, K, random.Random(0))
    assert (found.shown, found.responses, found.questions) == (False, None, ())
    none = summarise(made, CHECKIN, Totals(4, 0, {}), {}, K, random.Random(0))
    assert (none.shown, none.responses) == (False, 0)


def test_free_text_only_when_how_many_wrote_it_is_shown() -> None:
    """Typed answers are redacted and shuffled, and shown only when the number who wrote
    them is shown (listing 3 answers would tell a hidden count)."""
    made = survey(question("more", "text", optional=True))
    said = [f"ring me on 07700 900{n:03d}" for n in range(6)]
    many = Totals(4, 11, {"more": {ANSWERED: 6, "~skip": 5}}, {"more": 11})
    shown = summarise(made, CHECKIN, many, {"more": said}, K, random.Random(1)).questions[0]
    assert sorted(shown.texts) == ["ring me on [phone number removed]"] * 6
    few = Totals(4, 10, {"more": {ANSWERED: 3, "~skip": 7}}, {"more": 10})
    hidden = summarise(made, CHECKIN, few, {"more": said[:3]}, K, random.Random(1)).questions[0]
    assert hidden.texts == ()


def test_at_most_max_texts_are_shown() -> None:
    made = survey(question("more", "text"))
    said = [f"answer {n}" for n in range(MAX_TEXTS + 50)]
    totals = Totals(4, len(said), {"more": {ANSWERED: len(said)}}, {"more": len(said)})
    found = summarise(made, CHECKIN, totals, {"more": said}, K, random.Random(1)).questions[0]
    assert len(found.texts) == MAX_TEXTS and len(set(found.texts)) == MAX_TEXTS


def test_percentages_come_from_shown_counts() -> None:
    made = survey(question("q", "choice"))
    totals = Totals(4, 20, {"q": {"o0": 15, "o1": 2, "o2": 3}}, {"q": 20})
    cells = summarise(made, CHECKIN, totals, {}, K, random.Random(0)).questions[0].cells
    assert [(c.count, c.percent) for c in cells] == [(15, 75.0), (None, None), (None, None)]


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        (Cell("o0", "A", 12, None, 60.0), "12"),
        (Cell("o0", "A", 0, None, 0.0), "0"),
        (Cell("o0", "A", None, Hidden.SMALL, None), "fewer than 5"),
        (Cell("o0", "A", None, Hidden.PROTECTS, None), "hidden"),
    ],
)
def test_cell_shown(cell: Cell, words: str) -> None:
    assert cell.shown(5) == words


def test_findings_use_shown_figures_only() -> None:
    """The biggest shown answers, in plain words; hidden ones are never used."""
    made = survey(question("money", "choice"), question("safe", "yesno"))
    counts = {"money": {"o0": 3, "o1": 14, "o2": 3}, "safe": {"yes": 10, "no": 10}}
    totals = Totals(4, 20, counts, {"money": 20, "safe": 20})
    found = summarise(made, CHECKIN, totals, {}, K, random.Random(0))
    assert findings(found) == [
        '7 in 10 of you said "Option 1" to "Question money?"',
        '5 in 10 of you said "Yes" to "Question safe?"',
    ]
    assert findings(found, limit=1) == ['7 in 10 of you said "Option 1" to "Question money?"']


@pytest.mark.parametrize(
    ("yes", "rather_not", "share"),
    [(20, 0, "All of you"), (96, 5, "Almost all of you"), (70, 30, "7 in 10 of you")],
)
def test_findings_say_all_only_when_it_is_all(yes: int, rather_not: int, share: str) -> None:
    """ "All of you" only at 100%; from 95% it is "Almost all of you"."""
    made = survey(question("q", "yesno", prefer_not_to_say=True))
    counts = {"q": {"yes": yes, "no": 0, "~pns": rather_not}}
    totals = Totals(4, yes + rather_not, counts, {"q": yes + rather_not})
    found = findings(summarise(made, CHECKIN, totals, {}, K, random.Random(0)))
    assert found == [f'{share} said "Yes" to "Question q?"']


def test_trend_hides_each_point_as_its_own_results() -> None:
    made = survey(question("q", "choice"))
    early = Checkin(1, "t", None, 10.0, None)
    late = Checkin(2, "t", None, 20.0, None)
    points = [
        (made, late, Totals(2, 3, {"q": {"o0": 3}}, {"q": 3})),
        (made, early, Totals(1, 10, {"q": {"o0": 10}}, {"q": 10})),
    ]
    line = trend("q", points, K)
    assert [(p.checkin_id, p.base) for p in line] == [(1, 10), (2, None)]
    assert [c.count for c in line[0].cells] == [10, 0, 0]


@pytest.mark.parametrize(
    ("finished", "shown", "rate"),
    [(0, 0, 0.0), (3, None, None), (5, 5, 12.5), (40, 40, 100.0)],
)
def test_checkin_summary(finished: int, shown: int | None, rate: float | None) -> None:
    """Once closed, finished from 1 to K-1 is hidden, and so is the rate that would give it
    away; the rest are exact."""
    row = checkin_summary(CHECKIN, "T", finished, K, 200.0)
    assert (row.finished, row.rate, row.open_now, row.stepped) == (shown, rate, False, False)


@pytest.mark.parametrize(
    ("finished", "shown", "words"),
    [
        (0, None, "fewer than 5"),
        (4, None, "fewer than 5"),
        (5, 5, "at least 5"),
        (9, 5, "at least 5"),
        (12, 10, "at least 10"),
        (40, 40, "at least 40"),
    ],
)
def test_open_checkin_finished_count_moves_only_in_steps_of_k(
    finished: int, shown: int | None, words: str
) -> None:
    """While a check-in is open its finished count shows in steps of K ("at least 10" for
    12), with no rate, so staff cannot watch it tick up one person at a time."""
    row = checkin_summary(CHECKIN, "T", finished, K, 150.0)
    assert (row.finished, row.rate, row.open_now, row.stepped) == (shown, None, True, True)
    assert finished_words(row.finished, K, row.stepped) == words


def test_open_checkin_shows_no_results_so_answers_cannot_be_differenced() -> None:
    """Results of an open check-in (or one with no end) show nothing per question, however
    many finished: at 5 and then 6 they would show exactly the sixth person's answers."""
    made = survey(question("q", "choice"))
    totals = Totals(4, 6, {"q": {"o0": 6}}, {"q": 6})
    never_closes = Checkin(4, "t", None, 100.0, None)
    for checkin, now in ((CHECKIN, 150.0), (never_closes, 10_000.0)):
        found = summarise(made, checkin, totals, {"q": ["hi"]}, K, random.Random(0), now=now)
        assert (found.shown, found.open_now, found.questions, found.responses) == (
            False,
            True,
            (),
            5,
        )
        assert findings(found) == []
    closed_now = summarise(made, CHECKIN, totals, {}, K, random.Random(0), now=200.0)
    assert closed_now.shown and not closed_now.open_now and closed_now.responses == 6


def test_follow_up_nobody_was_asked() -> None:
    """A follow-up whose trigger answers nobody gave shows a base of 0 (zero is no group)."""
    made = survey(
        question("safe", "choice"),
        question("why", "yesno", show_if={"question": "safe", "answer": ["o1", "o2"]}),
    )
    counts = {"safe": {"o0": 10, "o1": 0, "o2": 0}, "why": {}}
    found = summarise(made, CHECKIN, Totals(4, 10, counts, {"why": 0}), {}, K, random.Random(0))
    assert found.questions[1].base == 0 and found.questions[1].hidden_reason is None


def test_ranges_of_hidden_cells() -> None:
    """The checker: what each hidden cell could be, from the total, the shown counts and the
    labels (small: 1 to K-1; protects: 0 or K and more)."""
    small = could_be(S, K, 20)
    protects = could_be(P, K, 20)
    assert small == ((1, 4),) and protects == ((0, 0), (5, 20))
    assert partition_ranges(8, {}, {"a": small, "b": small}) == {"a": ((4, 4),), "b": ((4, 4),)}
    assert partition_ranges(7, {}, {"a": small, "b": small}) == {"a": ((3, 4),), "b": ((3, 4),)}
    assert partition_ranges(12, {"c": 5}, {"a": small, "b": protects}) == {
        "a": ((1, 2),),
        "b": ((5, 6),),
    }
    # Two small options that must add up to all 8 who answered: both are 4.
    assert option_ranges(8, {"c": 0}, {"a": small, "b": small}) == {"a": ((4, 4),), "b": ((4, 4),)}
    assert suppress_partition({"a": 10, "b": 2}, K) == {"b": S, "a": P}
    assert values([(5, 9), (1, 2), (3, 4), (7, 6)]) == ((1, 9),)
