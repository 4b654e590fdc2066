"""The Welsh and easy-read catalogues (flows/locale/*.po, flows/catalogues.py): every message
key in both languages with the same placeholders, translations of older English never used,
and the checks and updates that keep it so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from flows.catalogues import (
    catalogue_path,
    check_catalogue,
    check_catalogues,
    placeholders,
    read_catalogue,
    template,
    translate,
    update_catalogue,
    write_catalogue,
)
from flows.locales import fallbacks, from_telegram, locale_of
from flows.messages import ENGLISH, say
from tests.flows.test_messages import BUTTONS, JARGON, LONG_ALLOWED

ENGLISH_SMALL = {"hello": "Hello {name}", "bye": "Bye"}


def welsh_entries() -> dict[str, tuple[str, str, bool]]:
    """The Welsh catalogue by key: (English it was made for, Welsh, fuzzy)."""
    catalogue = read_catalogue(catalogue_path("cy"))
    return {
        str(m.context): (str(m.id), str(m.string), m.fuzzy) for m in catalogue if m.id and m.context
    }


def test_every_message_key_is_in_english_and_welsh_with_the_same_placeholders() -> None:
    """The key-parity test: each key of flows/messages.py has a Welsh translation, made for
    today's English, not fuzzy, with exactly the English {placeholders}; and the Welsh has no
    key English lacks. It fails if it checks no key at all."""
    welsh = welsh_entries()
    checked = 0
    for key, english in ENGLISH.items():
        assert key in welsh, f"cy.po has no '{key}'; see README 'Adding a message'"
        made_for, words, fuzzy = welsh[key]
        assert words, f"cy.po: '{key}' is not translated"
        assert not fuzzy, f"cy.po: '{key}' is marked fuzzy"
        assert made_for == english, f"cy.po: '{key}' was translated from older English"
        assert placeholders(words) == placeholders(english), key
        checked += 1
    assert checked == len(ENGLISH) > 50
    assert set(welsh) == set(ENGLISH)


def test_every_catalogue_passes_the_check() -> None:
    """What 'youthvoice translations check' runs: Welsh complete, easy-read entries (where
    given) for today's English with the same placeholders, no unknown key."""
    assert check_catalogues(ENGLISH) == []


def test_every_message_renders_in_every_reading() -> None:
    """Each message, with made-up values for its placeholders, renders for all four readings
    (a bad brace in a translation would raise here)."""
    for key, english in ENGLISH.items():
        values = {name: f"<{name}>" for name in placeholders(english)}
        for reading in ("en", "cy", "en@easyread", "cy@easyread"):
            words = say(key, reading, **values)
            assert all(f"<{name}>" in words for name in values), (key, reading)


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        ([("hello", "Hello {name}", "Helo {name}", False)], None),
        (
            [("helo", "Hello {name}", "Helo {name}", False)],
            "'helo': no message has this key (did you mean 'hello'?); remove it",
        ),
        ([("hello", "Hi {name}", "Helo {name}", False)], "'hello': translated from older English"),
        ([("hello", "Hello {name}", "Helo {name}", True)], "'hello': marked fuzzy"),
        (
            [("hello", "Hello {name}", "Helo {enw}", False)],
            "'hello': the {placeholders} must be the English ones ({name})",
        ),
        ([("hello", "Hello {name}", "", False)], None),
    ],
)  # fmt: skip
def test_check_names_each_problem_with_its_key_and_fix(
    entries: list[tuple[str, str, str, bool]], problem: str | None
) -> None:
    catalogue = Catalog(locale="cy")
    for key, made_for, words, fuzzy in entries:
        catalogue.add(made_for, words, context=key, flags=["fuzzy"] if fuzzy else [])
    found = check_catalogue(catalogue, ENGLISH_SMALL, "cy.po", complete=False)
    assert len(found) == (0 if problem is None else 1), found
    assert all(line.startswith(f"cy.po: {problem}") for line in found)


def test_a_complete_catalogue_must_translate_every_key() -> None:
    catalogue = Catalog(locale="cy")
    catalogue.add("Bye", "Hwyl", context="bye")
    assert check_catalogue(catalogue, ENGLISH_SMALL, "cy.po", complete=True) == [
        "cy.po: 'hello': not translated yet"
    ]


def test_update_adds_new_keys_and_marks_changed_english_fuzzy(tmp_path: Path) -> None:
    """Adding a message: the update keeps translations and CHECK notes, adds the new key
    untranslated, and marks one whose English changed fuzzy; a fuzzy or older translation
    is never shown (English is). Updating again changes nothing (notes are not doubled)."""
    catalogue = template(ENGLISH_SMALL)
    for entry in catalogue:
        if entry.context == "hello":
            entry.string = "Helo {name}"
            entry.user_comments = ["CHECK: informal enough?"]
        elif entry.context == "bye":
            entry.string = "Hwyl"
    changed = {"hello": "Hello there {name}", "bye": "Bye", "new": "New one"}
    path = tmp_path / "cy.po"
    write_catalogue(update_catalogue(catalogue, changed), path)
    text = path.read_text(encoding="utf-8")
    assert '# CHECK: informal enough?\n#, fuzzy, python-brace-format\nmsgctxt "hello"\n' in text
    assert 'msgctxt "new"\nmsgid "New one"\nmsgstr ""' in text
    assert check_catalogue(read_catalogue(path), changed, "cy.po", complete=True) == [
        "cy.po: 'hello': marked fuzzy; check the words, then remove 'fuzzy'",
        "cy.po: 'hello': not translated yet",
        "cy.po: 'new': not translated yet",
    ]
    write_catalogue(update_catalogue(read_catalogue(path), changed), path)
    assert path.read_text(encoding="utf-8") == text


def test_a_translation_of_older_english_is_not_used() -> None:
    """The catalogue is looked up by key and English together: if the English changes and
    nobody has checked the Welsh yet, the new English is shown rather than stale Welsh."""
    assert translate("start_button", ENGLISH["start_button"], "cy") == "Dechrau"
    assert translate("start_button", "Begin now", "cy") == "Begin now"


@pytest.mark.parametrize(
    ("language", "easy", "chain"),
    [
        ("en", False, ["en"]),
        ("cy", False, ["cy", "en"]),
        ("en", True, ["en@easyread", "en"]),
        ("cy", True, ["cy@easyread", "cy", "en"]),
        ("fr", False, ["en"]),
    ],
)  # fmt: skip
def test_each_reading_falls_back_to_standard_words_then_english(
    language: str, easy: bool, chain: list[str]
) -> None:
    assert fallbacks(locale_of(language, easy)) == chain


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("cy", "cy"), ("CY", "cy"), ("cy-GB", "cy"), ("en", "en"), ("en-GB", "en"),
        ("fr", "en"), (None, "en"), ("", "en"),
    ],
)  # fmt: skip
def test_the_telegram_app_language_picks_welsh_or_english(code: str | None, language: str) -> None:
    assert from_telegram(code) == language


def test_easy_read_puts_a_word_beside_every_emoji() -> None:
    """Easy read never leaves a picture to carry the meaning alone: every line of every
    easy-read message that has an emoji has words on it too."""
    for key, english in ENGLISH.items():
        values = {name: "" for name in placeholders(english)}
        for line in say(key, "en@easyread", **values).splitlines():
            pictures = [c for c in line if ord(c) > 0x2100 and not c.isalpha()]
            words = [w for w in line.split() if any(c.isalpha() for c in w)]
            assert not pictures or words, (key, line)


# Welsh runs about a tenth longer than English: "about 300 characters" allows for it.
READING_LIMIT = 330


@pytest.mark.parametrize("reading", ["cy", "en@easyread", "cy@easyread"])
def test_every_reading_fits_a_phone_screen_and_buttons_carry_words(reading: str) -> None:
    """The rules the English keeps (tests/flows/test_messages.py) hold in Welsh and easy read
    too: about 300 characters (the privacy details excepted), a welcome of about 60 words,
    words on every button, and no jargon in easy-read English."""
    for key, english in ENGLISH.items():
        text = say(key, reading, **{name: "5 December 2026" for name in placeholders(english)})
        if key not in LONG_ALLOWED:
            assert len(text) <= READING_LIMIT, (key, len(text))
        if reading == "en@easyread":
            lowered = text.lower().replace("/mydata", "")
            assert not [p for p in JARGON if re.search(p, lowered)], key
    assert len(say("welcome", reading).split()) <= 60
    for key in BUTTONS:
        assert re.search(r"[^\W\d_]{2,}", say(key, reading)), (key, reading)
