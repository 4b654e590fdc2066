"""A staff member's wizard as text for the database: every kind of value the wizards use comes
back equal, nothing else is kept, and a state that no longer reads is a put-away wizard."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

import pytest

import bot.telegram.app  # noqa: F401  (registers every wizard)
from bot.telegram.wizard import Choice, Session, known
from bot.telegram.wizard_state import UnknownValue, decode, dump, encode, load
from storage.values import IdeaStatus

# One of each kind of answer and button value the wizards' steps give (see each ``read`` and
# ``Choice`` in bot/telegram): ids, words, None, a place (title, address), a time, a status.
VALUES = [
    None,
    True,
    False,
    0,
    42,
    -3,
    2.5,
    "",
    "weekly 18:00",
    "a £ word ✅",
    [1, 2, 3],
    ("Youth centre", "12 High St"),
    datetime(2026, 12, 3, 18, 0, tzinfo=ZoneInfo("Europe/London")),
    datetime(2026, 6, 3, 18, 0, tzinfo=UTC),
    date(2026, 12, 3),
    timedelta(days=3, hours=2),
    *IdeaStatus,
    {"nested": [("a", 1), None]},
    {"$": "not a tag, just a key"},
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_every_kind_of_value_comes_back_equal_and_of_its_type(value: object) -> None:
    back = decode(json.loads(json.dumps(encode(value))))
    assert back == value
    assert type(back) is type(value)


def test_a_time_keeps_its_zone_offset() -> None:
    summer = datetime(2026, 6, 3, 18, 0, tzinfo=ZoneInfo("Europe/London"))
    back = decode(json.loads(json.dumps(encode(summer))))
    assert back.utcoffset() == timedelta(hours=1)


class Colour(Enum):
    RED = 1


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (Colour.RED, "Colour is not in wizard_state.ENUMS"),
        (datetime(2026, 12, 3, 18, 0), "without a time zone"),
        (object(), "cannot keep a object"),
        ({1: "x"}, "cannot keep a dict"),
        ({1, 2}, "cannot keep a set"),
    ],
)
def test_anything_else_is_refused_when_saving(value: object, why: str) -> None:
    with pytest.raises(UnknownValue, match=why):
        encode(value)


def _session(wizard_index: int) -> Session:
    wizard = known()[wizard_index]
    answers = {
        step.name: VALUES[(i * 5 + wizard_index) % len(VALUES)]
        for i, step in enumerate(wizard.steps)
    }
    return Session(
        wizard,
        "aB3dE9",
        1_795_000_000.5,
        answers,
        [0, 1, len(wizard.steps)],
        7,
        [Choice("✅ Approve", IdeaStatus.APPROVED), Choice("No reminder", None)],
        True,
        {0, 1},
        123,
    )


def test_every_wizard_round_trips_with_all_it_holds() -> None:
    names = {wizard.name for wizard in known()}
    assert {"checkin", "meeting", "yousaid", "ideas"} <= names, names
    for index in range(len(known())):
        session = _session(index)
        assert load(dump(session)) == session


def test_a_state_that_no_longer_reads_is_a_wizard_put_away() -> None:
    state = json.loads(dump(_session(0)))
    renamed = {**state, "wizard": "gone"}
    unknown_enum = {**state, "answers": {"$": "enum", "c": "Colour", "v": "RED"}}
    odd_tag = {**state, "offered": [["x", {"$": "pickle", "v": "..."}]]}
    past_end = {**state, "path": [0, 99]}
    for broken in (renamed, unknown_enum, odd_tag, past_end, {"wizard": state["wizard"]}):
        assert load(json.dumps(broken)) is None
    assert load("not json") is None
    assert load("[1, 2]") is None
