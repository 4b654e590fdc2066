"""The whole message catalogue, read as a young person on a phone would: short, plain, and
every button with words on it."""

from __future__ import annotations

import re
import string

import pytest

from flows.messages import ENGLISH, say
from flows.safety import default_support_contacts, support_message
from flows.survey import load_surveys

# About 300 characters: a few lines on a phone. The privacy details are the one long message.
LIMIT = 300
LONG_ALLOWED = {"privacy"}
# The support reply is the opening plus the deployment's contact lines; with the bundled
# contacts it stays close to the limit, in one message (see flows/messages.py).
SUPPORT_LIMIT = 340
# Words a 16-year-old on a bad day should not have to decode.
JARGON = [
    r"\bcharacters?\b",
    r"\bexpire",
    r"\banonymous",
    r"\bchat (number|id)\b",
    r"\bdata\b(?<!/mydata)",
    r"\binvalid\b",
    r"\bsubmit",
    r"\berror\b",
]
# Keys used as button labels (rendered by bot/actions and bot/telegram).
BUTTONS = [
    "join_yes",
    "join_no",
    "privacy_button",
    "start_button",
    "skip",
    "prefer_not",
    "done",
    "yes",
    "no",
    "delete_yes",
    "delete_no",
    "meeting_online",
    "meeting_going",
    "meeting_maybe",
    "meeting_no",
    "consent_yes",
    "consent_no",
    "alert_button",
    "pause_week",
    "pause_month",
    "pause_forever",
    "pause_cancel",
]


def rendered(key: str) -> str:
    """``key`` with a typical value for each placeholder."""
    names = {name for _, name, _, _ in string.Formatter().parse(ENGLISH[key]) if name}
    return say(key, "en", **{name: "5 December 2026" for name in names})


@pytest.mark.parametrize("key", sorted(ENGLISH))
def test_every_message_fits_a_phone_screen(key: str) -> None:
    """No message is over about 300 characters, except the privacy details."""
    if key not in LONG_ALLOWED:
        assert len(rendered(key)) <= LIMIT, f"{key}: {len(rendered(key))} characters"


@pytest.mark.parametrize("key", sorted(ENGLISH))
def test_no_message_uses_jargon(key: str) -> None:
    """Not "characters", "expired", "anonymous", "chat number" and the like, anywhere."""
    text = rendered(key).lower().replace("/mydata", "")
    for pattern in JARGON:
        assert not re.search(pattern, text), f"{key} uses {pattern!r}"


@pytest.mark.parametrize("key", BUTTONS)
def test_every_button_carries_words(key: str) -> None:
    """A screen reader says something real for every button: no emoji-only labels."""
    assert re.search(r"[A-Za-z]{2,}", say(key, "en")), key


def test_the_welcome_fits_one_screen_and_the_privacy_details_are_separate() -> None:
    """The first message is about 60 words; the privacy details are not inside it."""
    welcome = say("welcome", "en")
    assert len(welcome.split()) <= 60
    assert say("privacy", "en") not in welcome


def test_the_privacy_details_say_when_we_might_share() -> None:
    """Plainly: only with a yes, never the answers, and the worrying words are not kept."""
    privacy = say("privacy", "en")
    assert "only tell someone on the team about you if you say yes" in privacy
    assert "never your answers" in privacy
    assert "I don't keep those words" in privacy


@pytest.mark.parametrize("kind", [{"urgent": True}, {"urgent": False}, {"anytime": True}])
def test_the_support_reply_with_the_bundled_contacts_stays_short(kind: dict[str, bool]) -> None:
    """The support reply is one message, close to the limit, with every bundled contact."""
    text = support_message(default_support_contacts(), "en", **kind)
    assert len(text) <= SUPPORT_LIMIT
    assert all(contact.name in text for contact in default_support_contacts())


def test_bundled_survey_buttons_carry_words() -> None:
    """Every option and scale point of the bundled surveys has words, not just an emoji."""
    for name, survey in load_surveys().items():
        for question in survey.questions:
            for value in question.allowed_values():
                label = question.label_for(value)
                assert re.search(r"[A-Za-z]{2,}", label), f"{name}: {question.id}: {label!r}"
