"""Unit tests for flows.engine: each event in each place gives exactly the expected state and
effects, for every question type, branching, bad input, resuming and finishing."""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import pairwise

import pytest

from flows.engine import (
    DONE,
    Ask,
    Confirm,
    Effect,
    Event,
    Finish,
    Press,
    Resume,
    Say,
    State,
    Support,
    Text,
    Toast,
    Unreadable,
    Value,
    advance,
    keep_what_fits,
    reshow,
    shown,
    start,
)
from flows.survey import NO, PREFER_NOT, SKIPPED, YES, Question, Survey, load_surveys, parse_survey

# One question of every type; `many` and `words` are optional, only `ok` allows prefer-not.
KIT = parse_survey(
    """
schema_version: 1
id: kit
title: Kit
intro: Hello
thanks: Bye
questions:
  - id: pick
    type: choice
    text: Pick a colour
    options: [{id: red, label: Red}, {id: blue, label: Blue}]
  - id: many
    type: multi
    text: Pick some
    optional: true
    options: [{id: a, label: A}, {id: b, label: B}, {id: c, label: C}]
  - id: rate
    type: scale
    text: Rate it
    scale:
      - {label: Awful, emoji: "😞"}
      - {label: Poor}
      - {label: Fine}
      - {label: Good, emoji: "🙂"}
      - {label: Great}
  - id: ok
    type: yesno
    text: OK?
    prefer_not_to_say: true
  - id: words
    type: text
    text: Anything?
    optional: true
""",
    "t.yaml",
)
WEEKLY = load_surveys()["weekly"]


def q(survey: Survey, question_id: str) -> Question:
    """The question with this id (the test fails loudly if it is missing)."""
    question = survey.question(question_id)
    assert question is not None
    return question


def at(
    survey: Survey,
    question_id: str | None,
    answers: dict[str, Value] | None = None,
    picked: tuple[str, ...] = (),
) -> State:
    """A state sitting at ``question_id`` with these answers and multi ticks."""
    return State(survey.id, question_id, answers or {}, picked)


def run(survey: Survey, events: list[Event]) -> tuple[State, list[Effect]]:
    """Start the survey, apply every event, and return the final state and all effects."""
    state, effects = start(survey)
    for event in events:
        state, more = advance(survey, state, event)
        effects += more
    return state, effects


def test_start_says_intro_then_asks_first_question_with_progress() -> None:
    """Starting gives the intro, then question 1 as "1 of N", N counting no follow-ups."""
    state, effects = start(WEEKLY)
    assert state == State("weekly", "mood")
    assert effects == [
        Say("survey_intro", {"title": WEEKLY.wording("title"), "intro": WEEKLY.wording("intro")}),
        Ask(q(WEEKLY, "mood"), 1, 6),
    ]


@pytest.mark.parametrize(
    ("question_id", "value", "label", "next_id", "number"),
    [
        ("pick", "blue", "Blue", "many", 2),
        ("many", SKIPPED, "Skipped", "rate", 3),
        ("rate", "1", "😞 Awful", "ok", 4),
        ("rate", "3", "Fine", "ok", 4),
        ("rate", "4", "🙂 Good", "ok", 4),
        ("ok", YES, "Yes", "words", 5),
        ("ok", NO, "No", "words", 5),
        ("ok", PREFER_NOT, "Prefer not to say", "words", 5),
    ],
)
def test_button_answer_is_recorded_confirmed_and_next_asked(
    question_id: str, value: str, label: str, next_id: str, number: int
) -> None:
    """A valid button stores its value, confirms it by label and asks the next question."""
    state, effects = advance(KIT, at(KIT, question_id), Press(question_id, value))
    assert state == at(KIT, next_id, {question_id: value})
    assert effects == [Confirm(q(KIT, question_id), label), Ask(q(KIT, next_id), number, 5)]


def test_text_answer_is_trimmed_and_last_answer_finishes() -> None:
    """A typed answer is stored trimmed; its question's message loses its Skip button; the last
    answer yields Finish then the thanks."""
    before = {"pick": "red", "ok": NO}
    asked = State("kit", "words", before, message_id=41)
    state, effects = advance(KIT, asked, Text("  all good \n"))
    answers = {**before, "words": "all good"}
    assert state == at(KIT, None, answers)
    assert effects == [
        Confirm(q(KIT, "words"), "all good", 41),
        Finish(answers),
        Say("survey_thanks", {"thanks": {"words": {"en": "Bye"}}}),
    ]


def test_skipping_the_last_question_finishes_with_skipped() -> None:
    """Skip on the last (optional) question confirms "Skipped" and finishes."""
    state, effects = advance(KIT, at(KIT, "words"), Press("words", SKIPPED))
    assert state.current is None
    assert effects == [
        Confirm(q(KIT, "words"), "Skipped"),
        Finish({"words": SKIPPED}),
        Say("survey_thanks", {"thanks": {"words": {"en": "Bye"}}}),
    ]


def test_multi_ticks_toggle_and_done_stores_them_in_option_order() -> None:
    """Multi presses tick and untick (refreshing the message); Done stores option order."""
    many = q(KIT, "many")
    state = at(KIT, "many")
    steps = [("c", ("c",)), ("b", ("c", "b")), ("a", ("c", "b", "a")), ("b", ("c", "a"))]
    for value, picked in steps:
        state, effects = advance(KIT, state, Press("many", value))
        assert state == at(KIT, "many", picked=picked)
        assert effects == [Ask(many, 2, 5, picked, refresh=True)]
    state, effects = advance(KIT, state, Press("many", DONE))
    assert state == at(KIT, "rate", {"many": ["a", "c"]})
    assert effects == [Confirm(many, "A, C"), Ask(q(KIT, "rate"), 3, 5)]


def test_multi_done_with_nothing_picked_changes_nothing() -> None:
    """Done before ticking anything only toasts; the question stays open."""
    state = at(KIT, "many")
    assert advance(KIT, state, Press("many", DONE)) == (state, [Toast("pick_one_first")])


def test_a_pick_beyond_max_picks_is_refused_kindly_and_loses_nothing() -> None:
    """With "pick up to 2", a third pick only toasts (saying how many may be picked) and keeps
    the two picks; unticking one makes room, and Done stores what is ticked."""
    capped = KIT.model_copy(
        update={"questions": [q(KIT, "many").model_copy(update={"max_picks": 2})]}
    )
    many = q(capped, "many")
    state = at(capped, "many", picked=("a", "c"))
    assert advance(capped, state, Press("many", "b")) == (
        state,
        [Toast("max_picks", {"most": 2})],
    )
    state, effects = advance(capped, state, Press("many", "a"))
    assert state.picked == ("c",)
    state, effects = advance(capped, state, Press("many", "b"))
    assert state.picked == ("c", "b") and effects == [Ask(many, 1, 1, ("c", "b"), refresh=True)]
    state, effects = advance(capped, state, Press("many", DONE))
    assert state.answers == {"many": ["b", "c"]} and isinstance(effects[0], Confirm)


def test_multi_skip_drops_ticks_and_records_skipped() -> None:
    """Skip on an optional multi records "~skip" even with ticks showing, and clears them."""
    state, effects = advance(KIT, at(KIT, "many", picked=("a",)), Press("many", SKIPPED))
    assert state == at(KIT, "rate", {"many": SKIPPED})
    assert effects == [Confirm(q(KIT, "many"), "Skipped"), Ask(q(KIT, "rate"), 3, 5)]


@pytest.mark.parametrize(
    ("question_id", "value"),
    [
        ("pick", SKIPPED),
        ("rate", SKIPPED),
        ("ok", SKIPPED),
        ("pick", PREFER_NOT),
        ("many", PREFER_NOT),
        ("rate", PREFER_NOT),
        ("words", PREFER_NOT),
        ("pick", "green"),
        ("pick", "Red"),
        ("many", "d"),
        ("rate", "0"),
        ("rate", "6"),
        ("ok", "maybe"),
        ("ok", "true"),
        ("words", "hello"),
        ("pick", DONE),
        ("rate", DONE),
    ],
)
def test_button_not_offered_on_this_question_is_expired(question_id: str, value: str) -> None:
    """Skip where not optional, prefer-not where not allowed and forged values change nothing."""
    state = at(KIT, question_id, {"x": "y"}, picked=("b",) if question_id == "many" else ())
    assert advance(KIT, state, Press(question_id, value)) == (state, [Toast("button_expired")])


@pytest.mark.parametrize("press", [Press("nope", "red"), Press("words", SKIPPED)])
def test_press_for_a_question_not_answered_or_asked_has_expired(press: Press) -> None:
    state = at(KIT, "rate", {"pick": "red", "many": SKIPPED})
    assert advance(KIT, state, press) == (state, [Toast("button_expired")])


@pytest.mark.parametrize("press", [Press("pick", "red"), Press("pick", "blue", 11)])
def test_press_on_an_answered_question_points_to_the_current_one(press: Press) -> None:
    """The answer stands. When the current question is known to be on screen, a pop-up points
    to it; when not (the reply showing it may have been lost), it comes again: no dead end."""
    state = at(KIT, "rate", {"pick": "red", "many": SKIPPED})
    on_screen = replace(state, message_id=12)
    assert advance(KIT, on_screen, press) == (on_screen, [Toast("already_answered")])
    after, effects = advance(KIT, state, press)
    assert after == state
    assert effects[0] == Toast("already_answered")
    (ask,) = effects[1:]
    assert isinstance(ask, Ask) and ask.question == q(KIT, "rate") and ask.replaces is None


def test_reshow_gives_the_current_question_and_nothing_once_finished() -> None:
    state = replace(at(KIT, "many", {"pick": "red"}, picked=("a",)), message_id=5)
    (ask,) = reshow(KIT, state)
    assert isinstance(ask, Ask)
    assert (ask.question, ask.picked, ask.replaces) == (q(KIT, "many"), ("a",), 5)
    assert reshow(KIT, replace(state, current=None)) == []


def test_press_for_question_hidden_by_branch_is_expired() -> None:
    """A button for a question the branch skipped has expired, not "already answered"."""
    state = at(WEEKLY, "money", {"mood": "3", "safe_home": YES})
    assert advance(WEEKLY, state, Press("safer", SKIPPED)) == (state, [Toast("button_expired")])


@pytest.mark.parametrize(
    ("question_id", "number", "picked"),
    [("pick", 1, ()), ("many", 2, ("b", "a")), ("rate", 3, ()), ("ok", 4, ())],
)
def test_text_on_a_button_question_asks_again(
    question_id: str, number: int, picked: tuple[str, ...]
) -> None:
    """Typing where buttons are expected says so and re-asks, keeping ticks; state unchanged."""
    state = at(KIT, question_id, picked=picked)
    assert advance(KIT, state, Text("red")) == (
        state,
        [Say("use_buttons"), Ask(q(KIT, question_id), number, 5, picked)],
    )


@pytest.mark.parametrize("text", ["", " ", "\n\t  \n"])
def test_empty_text_is_refused(text: str) -> None:
    """Blank text on a text question is not stored."""
    state = at(KIT, "words")
    assert advance(KIT, state, Text(text)) == (state, [Say("empty_text")])


@pytest.mark.parametrize(
    ("survey", "question_id", "limit", "length"),
    [
        (WEEKLY, "anything", 1000, 4000),
        (WEEKLY, "anything", 1000, 1001),
        (WEEKLY, "safer", 1000, 1001),
        (KIT, "words", 1000, 1001),
    ],
)
def test_over_long_text_is_kept_up_to_the_cap_and_never_sent_back(
    survey: Survey, question_id: str, limit: int, length: int
) -> None:
    """Text over the question's cap (1,000 by default) is kept up to the cap, and the person
    is told warmly, just after the answer is confirmed and before anything else."""
    state, effects = advance(survey, at(survey, question_id), Text("x" * length))
    assert state.answers[question_id] == "x" * limit
    assert isinstance(effects[0], Confirm)
    assert effects[1] == Say("long_kept")


def test_a_long_answer_is_cut_at_a_space_near_the_cap() -> None:
    """No half-written word at the end of what is kept, when a space is near the cap."""
    text = ("word " * 300).strip()  # 1,499 characters
    state, _ = advance(WEEKLY, at(WEEKLY, "anything"), Text(text))
    kept = state.answers["anything"]
    assert isinstance(kept, str) and 960 <= len(kept) <= 1000 and kept.endswith("word")
    assert keep_what_fits("x" * 1500, 1000) == "x" * 1000


def test_text_exactly_at_the_cap_after_trimming_is_taken() -> None:
    """The cap counts the trimmed text, so surrounding spaces do not push it over."""
    text = "y" * 1000
    state, effects = advance(WEEKLY, at(WEEKLY, "anything"), Text(f"  {text}  "))
    assert state.current is None
    assert effects[1] == Finish({"anything": text})


@pytest.mark.parametrize(
    ("event", "key"), [(Unreadable(), "text_only"), (Resume(), "welcome_back_survey")]
)
@pytest.mark.parametrize(
    ("question_id", "number", "picked"),
    [("many", 2, ("c", "a")), ("rate", 3, ()), ("words", 5, ())],
)
def test_unreadable_and_resume_say_why_and_ask_again(
    event: Event, key: str, question_id: str, number: int, picked: tuple[str, ...]
) -> None:
    """A sticker or a resume explains, then shows the current question with its ticks."""
    state = at(KIT, question_id, {"pick": "red"}, picked)
    assert advance(KIT, state, event) == (
        state,
        [Say(key), Ask(q(KIT, question_id), number, 5, picked)],
    )


@pytest.mark.parametrize(
    "event",
    [Text("hello"), Press("words", SKIPPED), Press("pick", "red"), Resume(), Unreadable()],
)
def test_any_event_after_finishing_says_already_finished(event: Event) -> None:
    """Once finished, nothing changes the answers."""
    state = at(KIT, None, {"pick": "red", "words": "hi"})
    assert advance(KIT, state, event) == (state, [Say("already_finished")])


@pytest.mark.parametrize(
    ("answer", "next_id", "number"),
    [(NO, "safer", 2), (YES, "money", 3), (PREFER_NOT, "money", 3)],
)
def test_safer_is_asked_only_after_not_safe_at_home(answer: str, next_id: str, number: int) -> None:
    """`safer` follows safe_home = no, as a follow-up sharing its number ("2 of 6"); otherwise
    it is passed. The total stays 6 either way."""
    state = at(WEEKLY, "safe_home", {"mood": "2"})
    state, effects = advance(WEEKLY, state, Press("safe_home", answer))
    assert state.current == next_id
    assert effects[-1] == Ask(q(WEEKLY, next_id), number, 6)


WEEKLY_PATHS = {
    "unsafe, says why, ticks help": (
        [
            Press("mood", "2"),
            Press("safe_home", NO),
            Text("A lock on my door"),
            Press("money", "struggling"),
            Press("someone", PREFER_NOT),
            Press("help", "talk"),
            Press("help", "money"),
            Press("help", "other"),
            Press("help", "other"),
            Press("help", DONE),
            Text("  thanks  "),
        ],
        {
            "mood": "2",
            "safe_home": NO,
            "safer": "A lock on my door",
            "money": "struggling",
            "someone": PREFER_NOT,
            "help": ["money", "talk"],
            "anything": "thanks",
        },
        [(1, 6), (2, 6), (2, 6), (3, 6), (4, 6), (5, 6), (6, 6)],
    ),
    "safe, skips what it can": (
        [
            Press("mood", SKIPPED),
            Press("safe_home", YES),
            Press("money", "ok"),
            Press("someone", YES),
            Press("help", SKIPPED),
            Press("anything", SKIPPED),
        ],
        {
            "mood": SKIPPED,
            "safe_home": YES,
            "money": "ok",
            "someone": YES,
            "help": SKIPPED,
            "anything": SKIPPED,
        },
        [(1, 6), (2, 6), (3, 6), (4, 6), (5, 6), (6, 6)],
    ),
}


@pytest.mark.parametrize(
    ("events", "answers", "progress"), WEEKLY_PATHS.values(), ids=WEEKLY_PATHS.keys()
)
def test_weekly_survey_runs_to_the_expected_answers(
    events: list[Event], answers: dict[str, Value], progress: list[tuple[int, int]]
) -> None:
    """A whole weekly check-in gives these answers; the total never changes."""
    state, effects = run(WEEKLY, events)
    assert state == at(WEEKLY, None, answers)
    assert effects[-2:] == [
        Finish(answers),
        Say("survey_thanks", {"thanks": WEEKLY.wording("thanks")}),
    ]
    shown = [(e.number, e.total) for e in effects if isinstance(e, Ask) and not e.refresh]
    assert shown == progress
    assert [e for e in effects if isinstance(e, Finish)] == [Finish(answers)]


CHAIN = parse_survey(
    """
schema_version: 1
id: chain
title: Chain
intro: Hello
thanks: Bye
questions:
  - {id: a, type: yesno, text: A}
  - {id: b, type: yesno, text: B, show_if: {question: a, answer: [yes]}}
  - {id: c, type: yesno, text: C, show_if: {question: b, answer: [yes]}}
  - {id: d, type: yesno, text: D}
""",
    "t.yaml",
)


@pytest.mark.parametrize(
    ("events", "progress"),
    [
        ([Press("a", NO), Press("d", NO)], [(1, 2), (2, 2)]),
        ([Press("a", YES), Press("b", NO), Press("d", NO)], [(1, 2), (1, 2), (2, 2)]),
        (
            [Press("a", YES), Press("b", YES), Press("c", NO), Press("d", NO)],
            [(1, 2), (1, 2), (1, 2), (2, 2)],
        ),
    ],
)
def test_progress_follow_ups_even_chained_share_the_number_before_them(
    events: list[Event], progress: list[tuple[int, int]]
) -> None:
    """Follow-ups (even a follow-up of a follow-up) keep the number before them; the total
    counts only questions everyone is asked, so the last question reads "N of N"."""
    state, effects = run(CHAIN, events)
    assert state.current is None
    assert [(e.number, e.total) for e in effects if isinstance(e, Ask)] == progress


def test_state_round_trips_through_json_mid_multi_question() -> None:
    """Saved and loaded mid-multi, the state is equal and carries on the same way."""
    state, _ = run(
        WEEKLY,
        [
            Press("mood", "4"),
            Press("safe_home", YES),
            Press("money", "tight"),
            Press("someone", NO),
            Press("help", "health"),
            Press("help", "housing"),
        ],
    )
    loaded = State.from_data(json.loads(json.dumps(state.to_data())))
    assert loaded == state
    assert loaded.picked == ("health", "housing")
    after, effects = advance(WEEKLY, loaded, Press("help", DONE))
    assert after.answers["help"] == ["housing", "health"]
    assert effects == advance(WEEKLY, state, Press("help", DONE))[1]


def test_finished_state_round_trips_through_json_with_list_answers() -> None:
    """A finished state with a multi answer survives JSON and still refuses more input."""
    state = at(KIT, None, {"many": ["a", "b"], "words": "hi"})
    loaded = State.from_data(json.loads(json.dumps(state.to_data())))
    assert loaded == state
    assert advance(KIT, loaded, Resume()) == (loaded, [Say("already_finished")])


def _weekly_paths() -> list[list[Event]]:
    """Every way through the weekly branch: each safe_home answer, with safer answered by text,
    by Skip, and the rest skipped or answered."""
    paths = []
    for safe in (YES, NO, PREFER_NOT):
        follow_ups: list[list[Event]] = (
            [[Text("a lock")], [Press("safer", SKIPPED)]] if safe == NO else [[]]
        )
        for follow_up in follow_ups:
            paths.append(
                [
                    Press("mood", SKIPPED),
                    Press("safe_home", safe),
                    *follow_up,
                    Press("money", "ok"),
                    Text("yeah"),
                    Press("help", SKIPPED),
                    Press("anything", SKIPPED),
                ]
            )
    return paths


@pytest.mark.parametrize("events", _weekly_paths())
def test_progress_total_never_changes_and_number_never_goes_back(events: list[Event]) -> None:
    """On every branch of the weekly check-in, the total stays 6 from the first question, the
    number goes up by at most one a question and ends at "6 of 6"."""
    state, effects = run(WEEKLY, events)
    assert state.current is None
    shown = [(e.number, e.total) for e in effects if isinstance(e, Ask)]
    assert {total for _, total in shown} == {6}
    numbers = [number for number, _ in shown]
    assert numbers[0] == 1 and numbers[-1] == 6
    assert all(later - earlier in (0, 1) for earlier, later in pairwise(numbers))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", YES),
        ("Yes", YES),
        ("YES!!", YES),
        ("  y ", YES),
        ("Yeah 🙂", YES),
        ("yep.", YES),
        ("yes please", YES),
        ("no", NO),
        ("No.", NO),
        ("N", NO),
        ("nope", NO),
        ("Nah...", NO),
        ("no thanks", NO),
    ],
)
def test_typed_yes_or_no_answers_a_yesno_question(text: str, value: str) -> None:
    """Typing yes or no (any case, spaces, punctuation, y/n, yeah, nope) counts as the button;
    the question's message loses its buttons, as a press would."""
    asked = State("kit", "ok", {"pick": "red"}, message_id=7)
    state, effects = advance(KIT, asked, Text(text))
    assert state == at(KIT, "words", {"pick": "red", "ok": value})
    label = "Yes" if value == YES else "No"
    assert effects == [Confirm(q(KIT, "ok"), label, 7), Ask(q(KIT, "words"), 5, 5)]


@pytest.mark.parametrize("text", ["maybe", "yes no", "not really", "yess", "🙂", "nothing"])
def test_other_text_on_a_yesno_question_asks_for_the_buttons(text: str) -> None:
    """Anything that is not plainly yes or no is not guessed at: the buttons are asked for."""
    state = State("kit", "ok", message_id=7)
    assert advance(KIT, state, Text(text)) == (
        State("kit", "ok"),
        [Say("use_buttons"), Ask(q(KIT, "ok"), 4, 5, replaces=7)],
    )


@pytest.mark.parametrize(
    ("event", "key"),
    [(Resume(), "welcome_back_survey"), (Unreadable(), "text_only"), (Text("red"), "use_buttons")],
)
def test_a_question_shown_again_takes_the_buttons_off_its_older_copy(
    event: Event, key: str
) -> None:
    """Showing the question again names the message with the older copy, whose buttons go,
    and forgets it: until the bot reports the new copy's message, any copy may answer (so a
    restart before that never turns the newest copy away as stale)."""
    state = State("kit", "pick", message_id=12)
    assert advance(KIT, state, event) == (
        State("kit", "pick"),
        [Say(key), Ask(q(KIT, "pick"), 1, 5, replaces=12)],
    )


@pytest.mark.parametrize(
    ("pressed_on", "shown_on", "toast"),
    [(11, 12, True), (12, 12, False), (None, 12, False), (11, None, False)],
)
def test_a_button_on_an_older_copy_of_the_question_points_to_the_newest(
    pressed_on: int | None, shown_on: int | None, toast: bool
) -> None:
    """A press on a stale copy changes nothing and says to use the newest message; on the
    newest copy (or when either message is unknown) it answers as usual."""
    state = State("kit", "pick", message_id=shown_on)
    after, effects = advance(KIT, state, Press("pick", "red", pressed_on))
    if toast:
        assert (after, effects) == (state, [Toast("use_newest")])
    else:
        assert after == at(KIT, "many", {"pick": "red"})
        assert effects[0] == Confirm(q(KIT, "pick"), "Red")


@pytest.mark.parametrize(
    ("press", "toast"),
    [
        (Press("pick", "green", 11), "button_expired"),
        (Press("pick", DONE, 11), "button_expired"),
        (Press("many", "a", 11), "already_answered"),
    ],
)
def test_forged_or_answered_buttons_on_an_older_copy_keep_their_own_toast(
    press: Press, toast: str
) -> None:
    """Only a real answer on a stale copy points to the newest message; forged values and
    answered questions say what they always said."""
    state = State("kit", "pick", {"many": SKIPPED}, message_id=12)
    assert advance(KIT, state, press) == (state, [Toast(toast)])


def test_the_next_question_forgets_the_message_of_the_last() -> None:
    """Moving on clears the remembered message until the bot reports the new one."""
    state, _ = advance(KIT, State("kit", "pick", message_id=12), Press("pick", "red", 12))
    assert state.message_id is None
    assert shown(state, 13) == State("kit", "many", {"pick": "red"}, message_id=13)


def test_message_id_round_trips_and_older_saved_states_load_without_one() -> None:
    """The remembered message survives JSON; a state saved before it existed loads as None."""
    state = State("kit", "many", {"pick": "red"}, ("a",), message_id=99)
    assert State.from_data(json.loads(json.dumps(state.to_data()))) == state
    old = {"survey": "kit", "current": "many", "answers": {}, "picked": []}
    assert State.from_data(old).message_id is None


# --- the support flag (support_if) --------------------------------------------------------

# Every button type with support_if; the last question flagged too, so Support can meet Finish.
FLAGGED = parse_survey(
    """
schema_version: 1
id: flagged
title: Flagged
intro: Hello
thanks: Bye
questions:
  - id: safe
    type: yesno
    text: Safe?
    prefer_not_to_say: true
    support_if: [no]
  - id: money
    type: choice
    text: Money?
    options: [{id: ok, label: OK}, {id: struggling, label: Struggling}]
    support_if: struggling
  - id: mood
    type: scale
    text: Mood?
    optional: true
    scale: [{label: Awful}, {label: Poor}, {label: Fine}, {label: Good}, {label: Great}]
    support_if: [1, 2]
  - id: help
    type: multi
    text: Help?
    options: [{id: food, label: Food}, {id: bed, label: A bed tonight}, {id: fun, label: Fun}]
    support_if: [bed]
""",
    "flagged.yaml",
)


@pytest.mark.parametrize(
    ("question_id", "event", "label", "next_id", "number"),
    [
        ("safe", Press("safe", NO), "No", "money", 2),
        ("safe", Text("nope"), "No", "money", 2),
        ("money", Press("money", "struggling"), "Struggling", "mood", 3),
        ("mood", Press("mood", "1"), "Awful", "help", 4),
        ("mood", Press("mood", "2"), "Poor", "help", 4),
    ],
)
def test_flagged_answer_brings_support_after_it_is_taken_and_before_the_next_question(
    question_id: str, event: Event, label: str, next_id: str, number: int
) -> None:
    """An answer that support_if names: confirmed, then Support (gentle), then the next
    question; the answer is recorded as usual."""
    state, effects = advance(FLAGGED, at(FLAGGED, question_id), event)
    assert state.current == next_id and state.answers[question_id] != ""
    assert effects == [
        Confirm(q(FLAGGED, question_id), label),
        Support(),
        Ask(q(FLAGGED, next_id), number, 4),
    ]
    assert effects[1] == Support(urgent=False)


@pytest.mark.parametrize(
    ("question_id", "value"),
    [
        ("safe", YES),
        ("safe", PREFER_NOT),
        ("money", "ok"),
        ("mood", "3"),
        ("mood", SKIPPED),
    ],
)
def test_answer_support_if_does_not_name_brings_no_support(question_id: str, value: str) -> None:
    """Other answers, prefer not to say and Skip bring nothing extra."""
    _, effects = advance(FLAGGED, at(FLAGGED, question_id), Press(question_id, value))
    assert not any(isinstance(effect, Support) for effect in effects)


def test_flagged_multi_option_brings_support_on_done_not_on_the_tick() -> None:
    """A flagged option of a multi question counts once the answer is taken (Done): ticking
    it only redraws, and Support comes before the thanks when it was the last question."""
    state, effects = advance(FLAGGED, at(FLAGGED, "help"), Press("help", "bed"))
    assert effects == [Ask(q(FLAGGED, "help"), 4, 4, ("bed",), refresh=True)]
    state, effects = advance(FLAGGED, state, Press("help", "food"))
    state, effects = advance(FLAGGED, state, Press("help", DONE))
    assert effects == [
        Confirm(q(FLAGGED, "help"), "Food, A bed tonight"),
        Finish({"help": ["food", "bed"]}),
        Support(),
        Say("survey_thanks", {"thanks": {"words": {"en": "Bye"}}}),
    ]


def test_weekly_no_to_feeling_safe_brings_support_before_the_follow_up() -> None:
    """The bundled weekly check-in: "No" to "Do you feel safe where you live?" brings the
    support contacts at once, then "What would help you feel safer?"."""
    _, effects = advance(WEEKLY, at(WEEKLY, "safe_home"), Press("safe_home", NO))
    assert effects == [
        Confirm(q(WEEKLY, "safe_home"), "No"),
        Support(),
        Ask(q(WEEKLY, "safer"), 2, 6),
    ]
    _, effects = advance(WEEKLY, at(WEEKLY, "safe_home"), Press("safe_home", YES))
    assert Support() not in effects
