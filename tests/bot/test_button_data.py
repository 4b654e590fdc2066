"""The button data codec: round trips, the legacy forms still on phones and in the outbox, and
refusal of anything the bot did not write."""

from __future__ import annotations

import random
from typing import Any

import pytest

from bot.actions.button_data import (
    MAX_BYTES,
    Answer,
    Consent,
    Decline,
    Delete,
    ExportBack,
    ExportOf,
    Feedback,
    Join,
    MeetingReply,
    Pause,
    PlanPress,
    Press,
    Privacy,
    ResultsOf,
    StartCheckin,
    TellMore,
    WizardPress,
    decode,
    encode,
)
from bot.telegram.render import question_buttons
from flows.engine import DONE, Ask
from flows.survey import PREFER_NOT, SKIPPED, Survey, load_surveys
from storage.base import Rsvp, UpdateStatus

BIGGEST_ID = 10**18 - 1  # 18 digits: the most button data carries
LONGEST_ID = "q" + "_" * 18 + "z"  # 20 characters: the most a survey id may have
SURVEYS = load_surveys()

ROUND_TRIPS: list[tuple[Press, str]] = [
    (Join(""), "1j:"),
    (Join("FORUM123"), "1j:FORUM123"),
    (Decline(), "1n"),
    (StartCheckin(7), "1c:7"),
    (StartCheckin(BIGGEST_ID), f"1c:{BIGGEST_ID}"),
    (Answer(7, "mood", "3"), "1a:7:mood:3"),
    (Answer(7, "safe_home", "yes"), "1a:7:safe_home:yes"),
    (Answer(7, "help", "study_work"), "1a:7:help:study_work"),
    (Answer(7, "help", DONE), "1a:7:help:~done"),
    (Answer(7, "mood", SKIPPED), "1a:7:mood:~skip"),
    (Answer(7, "mood", PREFER_NOT), "1a:7:mood:~pns"),
    (MeetingReply(4, Rsvp.GOING), "1m:4:going"),
    (MeetingReply(4, Rsvp.MAYBE), "1m:4:maybe"),
    (MeetingReply(4, Rsvp.NO), "1m:4:no"),
    (Delete(confirmed=True), "1d:yes"),
    (Delete(confirmed=False), "1d:no"),
    (Feedback(9, "helps", None), "1f:9:h:-"),
    (Feedback(9, "not_enough", "helps"), "1f:9:n:h"),
    (Feedback(BIGGEST_ID, "helps", "not_enough"), f"1f:{BIGGEST_ID}:h:n"),
    (TellMore(9), "1t:9"),
    (WizardPress("checkin", "Ab3dE9", 1, "p", 0), "1w:checkin:Ab3dE9:1:p:0"),
    (WizardPress("meeting", "zzzzzz", 999999, "f", 999), "1w:meeting:zzzzzz:999999:f:999"),
    (WizardPress("yousaid", "A1b2C3", 12, "y"), "1w:yousaid:A1b2C3:12:y:0"),
    (Privacy(""), "1p:"),
    (Privacy("FORUM123"), "1p:FORUM123"),
    (Consent(yes=True), "1s:yes"),
    (Consent(yes=False), "1s:no"),
    (Pause(7), "1z:7"),
    (Pause(0), "1z:0"),
    (Pause(-1), "1z:-1"),
    (Pause(7, None, 1790000000), "1z:7:-:1790000000"),
    (Pause(-1, 253402300799, 1790000000), "1z:-1:253402300799:1790000000"),
    (ResultsOf(12), "1rs:12"),
    (ExportOf(12), "1ex:12"),
    (ExportOf(12, "xlsx"), "1ex:12:xlsx"),
    (ExportOf(BIGGEST_ID, "docx"), f"1ex:{BIGGEST_ID}:docx"),
    (ExportBack(), "1ex:back"),
    (PlanPress(3, "o"), "1pl:3:o"),
    (PlanPress(3, "s", UpdateStatus.DONE, UpdateStatus.PLANNED), "1pl:3:s:d:p"),
    (
        PlanPress(BIGGEST_ID, "s", UpdateStatus.COULDNT, UpdateStatus.IN_PROGRESS),
        f"1pl:{BIGGEST_ID}:s:c:i",
    ),
    (PlanPress(3, "t", UpdateStatus.IN_PROGRESS), "1pl:3:t:i"),
    (PlanPress(3, "n"), "1pl:3:n"),
    (PlanPress(3, "b"), "1pl:3:b"),
]


@pytest.mark.parametrize(("press", "data"), ROUND_TRIPS)
def test_round_trip(press: Press, data: str) -> None:
    """Each press is written as versioned data and read back as the same press."""
    assert encode(press) == data
    assert decode(data) == press


# What the bot sent before button data had a version, exactly as it built it.
LEGACY: list[tuple[str, Press]] = [
    ("j:", Join("")),
    ("j:FORUM123", Join("FORUM123")),
    ("n", Decline()),
    ("c:12", StartCheckin(12)),
    ("a:12:mood:4", Answer(12, "mood", "4")),
    ("a:12:safe_home:no", Answer(12, "safe_home", "no")),
    ("a:12:money:struggling", Answer(12, "money", "struggling")),
    ("a:12:help:~done", Answer(12, "help", DONE)),
    ("a:12:anything:~skip", Answer(12, "anything", SKIPPED)),
    ("a:12:mood:~pns", Answer(12, "mood", PREFER_NOT)),
    ("m:3:going", MeetingReply(3, Rsvp.GOING)),
    ("m:3:maybe", MeetingReply(3, Rsvp.MAYBE)),
    ("m:3:no", MeetingReply(3, Rsvp.NO)),
    ("d:yes", Delete(confirmed=True)),
    ("d:no", Delete(confirmed=False)),
]


@pytest.mark.parametrize(("data", "press"), LEGACY)
def test_legacy_data_reads_as_the_same_press(data: str, press: Press) -> None:
    """Buttons sent before versions (old outbox rows, old messages) still work as they did."""
    assert decode(data) == press
    assert decode(encode(press)) == press


REFUSED = [
    "",
    "a:1:²:x",  # a digit to str.isdigit(), not to the id pattern
    "1a:1:²:x",
    "a:²:mood:1",
    "1c:²",
    "1c:١٢",  # Arabic-Indic digits
    "c:99999999999999999999",  # too big for the database
    "1c:1234567890123456789",  # 19 digits
    "1c:-1",
    "1c:",
    "1c:1:2",
    "1c:1\n",
    " 1c:1",
    "1a:1:mood",
    "1a:1:mood:1:2",
    "1a:1:Mood:1",  # ids are lower case
    "1a:1:1mood:1",
    "1a:1:mood:123",
    "1a:1:mood:~maybe",
    "1a:1:" + "q" * 21 + ":1",  # a question id longer than surveys allow
    "1a:1:mood:" + "o" * 21,
    "1m:1:perhaps",
    "1m:x:going",
    "1d:maybe",
    "d:y",
    "1n:x",
    "1j:not a code",
    "1j:" + "A" * 33,
    "j:" + "A" * 63,  # 65 bytes
    "1j:" + "A" * 62,  # 65 bytes
    "x" * 65,
    "🙂",
    "1a:1:mood:🙂",
    "1j:FORUM123🙂",
    "\ud800",  # a lone surrogate cannot even be written as UTF-8
    "\x00",
    "2c:1",  # a version this bot does not know
    "9n",
    "0n",
    "11c:1",
    "v1c:1",
    "N",
    "C:1",
    "zzz",
    ":",
    "1f:9:x:-",
    "1f:9:h",
    "1f:9:h:x",
    "1f:-9:h:-",
    "1t:",
    "1t:9:9",
    "f:9:h:-",  # update buttons were never written without a version
    "t:9",
    "w:checkin:Ab3dE9:1:p:0",  # wizard buttons were never written without a version
    "1w:checkin:Ab3dE9:1:q:0",  # no such action
    "1w:checkin:Ab3dE:1:p:0",  # a token is 6 characters
    "1w:checkin:Ab3dE9:1234567:p:0",
    "1w:checkin:Ab3dE9:1:p:1000",
    "1w:toolongname:Ab3dE9:1:p:0",
    "1w:Checkin:Ab3dE9:1:p:0",
    "1s:maybe",
    "1z:-2",
    "1z:1000",
    "s:yes",  # consent buttons were never written without a version
    "rs:1",  # results and export buttons were never written without a version
    "ex:1:csv",
    "1rs:-1",
    "1rs:",
    "1ex:1:pdf",  # no such format
    "1ex:1:",
    "1ex:back:csv",
    "pl:3:o",  # plan buttons were never written without a version
    "1pl:3:x",  # no such step
    "1pl:3:s:q:p",  # no such status
    "1pl:-3:o",
    "1pl:3:s:d:p:i",
]


@pytest.mark.parametrize("data", REFUSED)
def test_forged_malformed_or_unknown_data_decodes_to_none(data: str) -> None:
    """Anything the bot never wrote is None, so the press gets 'this button has expired'."""
    assert decode(data) is None


@pytest.mark.parametrize("data", [None, b"1n", 7])
def test_data_that_is_not_text_decodes_to_none(data: Any) -> None:
    assert decode(data) is None


def test_decode_never_raises_on_random_data() -> None:
    """Random mixes of the characters valid data uses, and some it never does, are refused
    or read, but never raise."""
    alphabet = "1jncamdyesno:0123456789_~²🙂\n aqz-"
    rng = random.Random(64)
    for _ in range(5000):
        data = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 70)))
        press = decode(data)
        assert press is None or decode(encode(press)) == press


@pytest.mark.parametrize(
    "press",
    [
        StartCheckin(-1),
        StartCheckin(10**18),  # 19 digits
        MeetingReply(-5, Rsvp.GOING),
        Answer(1, "Mood", "1"),
        Answer(1, "mood", "a:b"),
        Answer(1, "mood", ""),
        Answer(1, "q" * 21, "1"),
        Answer(1, "mood", "o" * 21),
        Join("bad code"),
        Join("FORUM:1"),
        Join("A" * 33),
        Join("FORUM🙂"),
        Feedback(1, "maybe", None),
        Feedback(1, "helps", "perhaps"),
        TellMore(-1),
        WizardPress("checkin", "short", 1, "p"),
        WizardPress("checkin", "Ab3dE9", -1, "p"),
        WizardPress("checkin", "Ab3dE9", 1, "z"),
        PlanPress(-1, "o"),
        PlanPress(1, "q"),
        PlanPress(1, "s", None, UpdateStatus.DONE),
    ],
)
def test_encode_refuses_data_it_could_not_read_back(press: Press) -> None:
    """The bot never sends a button it would answer with 'expired'."""
    with pytest.raises(ValueError, match="cannot be button data"):
        encode(press)


def _longest_survey() -> Survey:
    """A valid survey whose ids are as long as validation allows."""
    return Survey.model_validate(
        {
            "schema_version": 1,
            "id": "s" * 20,
            "title": "Long ids",
            "intro": "Hi",
            "thanks": "Thanks",
            "questions": [
                {
                    "id": LONGEST_ID,
                    "type": "multi",
                    "text": "Pick",
                    "optional": True,
                    "prefer_not_to_say": True,
                    "options": [{"id": "o" * 20, "label": "O"}, {"id": "p" * 20, "label": "P"}],
                }
            ],
        }
    )


def test_the_longest_realistic_data_fits() -> None:
    """An 18-digit check-in id with a 20-character question id and option id fits in 64 bytes,
    and every button of such a survey encodes."""
    data = encode(Answer(BIGGEST_ID, LONGEST_ID, "o" * 20))
    assert len(data.encode("utf-8")) == 63 <= MAX_BYTES
    question = _longest_survey().questions[0]
    rows = question_buttons(Ask(question, 1, 1), BIGGEST_ID, "en")
    values = [decode(b["data"]) for row in rows for b in row]
    assert values == [
        Answer(BIGGEST_ID, LONGEST_ID, v) for v in ["o" * 20, "p" * 20, DONE, SKIPPED, PREFER_NOT]
    ]


def test_survey_ids_longer_than_button_data_allows_are_refused() -> None:
    """The 20-character id limit is what keeps question buttons under 64 bytes."""
    survey = _longest_survey().model_dump()
    survey["questions"][0]["options"][0]["id"] = "o" * 21
    with pytest.raises(ValueError, match="pattern"):
        Survey.model_validate(survey)


@pytest.mark.parametrize("survey_id", sorted(SURVEYS))
def test_every_bundled_survey_button_encodes(survey_id: str) -> None:
    """Every value of every bundled question, plus skip, prefer-not and done, is button data."""
    for question in SURVEYS[survey_id].questions:
        for value in [*question.allowed_values(), SKIPPED, PREFER_NOT, DONE]:
            press = Answer(BIGGEST_ID, question.id, value)
            assert decode(encode(press)) == press
