"""Unit tests for flows.safety's support contacts: the bundled UK defaults, the message a young
person gets at once (short, warm, every contact on its own line), and a broken contacts file
refused in one line naming the file and the line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.messages import say
from flows.safety import (
    SafetyFileError,
    SupportContact,
    default_support_contacts,
    load_support_contacts,
    needs_checking,
    support_message,
)
from flows.safety.contacts import ContactWords, parse_support_contacts

CONTACTS = load_support_contacts()
CHECKED = date(2026, 12, 3)


def test_bundled_contacts_are_the_uk_defaults() -> None:
    """Samaritans, Shout, Childline, NHS 111 and 999, each with its number and when it is
    there, all checked on the same day."""
    assert [(c.name, c.call, c.text) for c in CONTACTS] == [
        ("Samaritans", "116 123", None),
        ("Shout", None, "SHOUT to 85258"),
        ("Childline", "0800 1111", None),
        ("NHS 111", "111, option 2 for mental health", None),
        ("Emergency", "999", None),
    ]
    assert CONTACTS[0].when == "free, any time"
    assert CONTACTS[2].who == "under 19"
    assert CONTACTS[3].who == "in England"
    assert {c.last_checked for c in CONTACTS} == {CHECKED}
    assert list(default_support_contacts()) == CONTACTS


def test_support_message_lists_every_contact_on_its_own_line() -> None:
    """The urgent message: a few warm words, then one line per contact in the file's order."""
    text = support_message(CONTACTS, "en")
    assert text == (
        "I'm glad you told me. I'm only a bot, but these people can help right now:\n\n"
        "• Samaritans: call 116 123 (free, any time)\n"
        "• Shout: text SHOUT to 85258 (free, any time)\n"
        "• Childline: call 0800 1111 (under 19, free)\n"
        "• NHS 111: call 111, option 2 for mental health (in England, free, any time)\n"
        "• Emergency: call 999 (if you're in danger now)"
    )


@pytest.mark.parametrize("urgent", [True, False])
def test_support_message_prose_is_short_and_plain(urgent: bool) -> None:
    """Under 300 characters of words before the contacts, in short sentences; no dates (they
    are for staff)."""
    prose, lines = support_message(CONTACTS, "en", urgent=urgent).split("\n\n")
    assert len(prose) < 300
    assert all(len(sentence.split()) <= 15 for sentence in prose.split(". "))
    assert len(lines.splitlines()) == len(CONTACTS)
    assert "2026" not in lines


def test_gentle_wording_after_a_flagged_survey_answer() -> None:
    """After a survey answer (not a worrying message) the words are gentler, same contacts."""
    gentle = support_message(CONTACTS, "en", urgent=False)
    assert gentle.startswith(say("support_gentle", "en"))
    assert gentle.split("\n\n")[1] == support_message(CONTACTS, "en").split("\n\n")[1]


def test_contact_with_both_call_and_text_and_nothing_more() -> None:
    """Both ways to reach someone are offered; with no who or when, no brackets."""
    both = SupportContact(
        name="Helpline", call="0800 000", text="HELP to 123", last_checked=CHECKED
    )
    assert support_message([both], "en").endswith("\n• Helpline: call 0800 000 or text HELP to 123")


def test_support_message_in_welsh_uses_the_welsh_catalogue() -> None:
    """The words come from the message catalogue by key, so the Welsh slots in; a language
    without a catalogue falls back to English."""
    welsh = support_message(CONTACTS, "cy")
    assert welsh.startswith("Dw i'n falch dy fod ti wedi dweud wrtha i.")
    assert "• Samaritans: ffonia 116 123 (am ddim, unrhyw bryd)" in welsh
    assert "• Argyfwng: ffonia 999 (os wyt ti mewn perygl nawr)" in welsh
    assert "free" not in welsh and "danger" not in welsh
    assert support_message(CONTACTS, "cy@easyread").endswith(welsh.split("\n\n", 1)[1])
    assert support_message(CONTACTS, "zz") == support_message(CONTACTS, "en")


def test_a_contact_without_welsh_words_is_shown_as_written() -> None:
    """A deployment's own contact with no ``cy`` keeps its words; one with part of them
    in Welsh mixes the two rather than leaving anything out."""
    plain = SupportContact(name="Helpline", call="0800 000", when="9 to 5", last_checked=CHECKED)
    part = plain.model_copy(update={"cy": ContactWords(when="9 tan 5")})
    assert support_message([plain], "cy").endswith("• Helpline: ffonia 0800 000 (9 to 5)")
    assert support_message([part], "cy").endswith("• Helpline: ffonia 0800 000 (9 tan 5)")
    assert support_message([part], "en").endswith("• Helpline: call 0800 000 (9 to 5)")


def test_needs_checking_lists_contacts_not_checked_for_six_months() -> None:
    assert needs_checking(CONTACTS, date(2027, 6, 1)) == []
    assert needs_checking(CONTACTS, date(2027, 6, 5)) == CONTACTS


GOOD = """\
schema_version: 1
contacts:
  - name: Samaritans
    call: "116 123"
    when: free, any time
    last_checked: 2026-12-03
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            '    call: "116 123"\n',
            "",
            "support_contacts.yaml: line 3: contacts[0]: needs 'call' (a phone number) or "
            "'text' (what to text, and where)",
            id="no-way-to-reach",
        ),
        pytest.param(
            "2026-12-03",
            "last week",
            "support_contacts.yaml: line 6: contacts[0].last_checked: 'last week' is not a "
            "date; write it as year-month-day, like 2026-12-03",
            id="bad-date",
        ),
        pytest.param(
            "    last_checked: 2026-12-03\n",
            "",
            "support_contacts.yaml: line 3: contacts[0].last_checked: is missing; add it",
            id="missing-date",
        ),
        pytest.param(
            "    when:",
            "    wen:",
            "support_contacts.yaml: line 5: contacts[0].wen: unknown field 'wen'; check the "
            "spelling or remove it",
            id="unknown-field",
        ),
        pytest.param(
            "schema_version: 1",
            "schema_version: 2",
            "support_contacts.yaml: schema_version: is 2; this version of Youth Voice reads "
            "schema_version: 1",
            id="schema-version",
        ),
        pytest.param(
            'call: "116 123"',
            'call: "116 123\n',
            "support_contacts.yaml: line 8 is not valid YAML; check indentation and quotes",
            id="not-yaml",
        ),
    ],
)
def test_bad_contacts_file_names_the_file_the_line_and_the_fix(
    old: str, new: str, expected: str
) -> None:
    assert old in GOOD
    with pytest.raises(SafetyFileError) as caught:
        parse_support_contacts(GOOD.replace(old, new, 1), "support_contacts.yaml")
    assert str(caught.value) == expected


@pytest.mark.parametrize("text", ["", "- Samaritans\n", "schema_version: 1\ncontacts: []\n"])
def test_contacts_file_without_contacts_is_refused(text: str) -> None:
    with pytest.raises(SafetyFileError, match=r"^support_contacts\.yaml: "):
        parse_support_contacts(text, "support_contacts.yaml")


def test_load_reads_a_deployments_own_file(tmp_path: Path) -> None:
    path = tmp_path / "our_contacts.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert [c.name for c in load_support_contacts(path)] == ["Samaritans"]
    path.write_text(GOOD.replace("name: Samaritans", "name: ''"), encoding="utf-8")
    with pytest.raises(SafetyFileError, match=r"^our_contacts\.yaml: line 3: contacts\[0\]\.name"):
        load_support_contacts(path)
