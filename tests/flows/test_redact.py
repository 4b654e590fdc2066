"""Unit tests for flows.redact: contact details go, ordinary words (times, dates, money, ages)
stay."""

from __future__ import annotations

import pytest

from flows.redact import EMAIL, HANDLE, LINK, PHONE, POSTCODE, redact

REMOVED = [
    # (what they wrote, what staff read)
    ("call me on 07700 900123 please", f"call me on {PHONE} please"),
    ("ring 07700900123", f"ring {PHONE}"),
    ("my number is 07700-900-123", f"my number is {PHONE}"),
    ("+44 7700 900123", PHONE),
    ("+44 (0)7700 900123 anytime", f"{PHONE} anytime"),
    ("0044 7700 900 123", PHONE),
    ("home 020 7946 0018", f"home {PHONE}"),
    ("(020) 7946 0018", PHONE),
    ("01632 960 001 is my nan's", f"{PHONE} is my nan's"),
    ("US cousin +1 (555) 123-4567", f"US cousin {PHONE}"),
    ("irish number +353 85 123 4567", f"irish number {PHONE}"),
    ("7700900123", PHONE),
    ("07700.900.123", PHONE),
    ("email me at sam.jones99@gmail.com", f"email me at {EMAIL}"),
    ("SAM_J+yv@example.co.uk!", f"{EMAIL}!"),
    ("I live at SW1A 1AA now", f"I live at {POSTCODE} now"),
    ("postcode m1 1ae", f"postcode {POSTCODE}"),
    ("near B33 8TH.", f"near {POSTCODE}."),
    ("CR2 6XH", POSTCODE),
    ("dn551pt", POSTCODE),
    ("msg me @sam_j99", f"msg me {HANDLE}"),
    ("insta: @jess.smith_", f"insta: {HANDLE}"),
    ("see https://example.com/my-page?x=1", f"see {LINK}"),
    ("http://bit.ly/abc123", LINK),
    ("www.facebook.com/sam.jones", LINK),
    ("t.me/samjones", LINK),
    ("my site is samjones.co.uk", f"my site is {LINK}"),
    ("go to example.com", f"go to {LINK}"),
    ("tiktok.com/@samj", LINK),
    # Gaps a reviewer found: a two-character handle, a postcode typed with two spaces, an
    # email address without its domain ending.
    ("dm @jo", f"dm {HANDLE}"),
    ("CF10  1AA is me", f"{POSTCODE} is me"),
    ("jo.smith@gmail", EMAIL),
]

KEPT = [
    "The meeting at 18:00 was good",
    "I'm 17 and I moved on 3/12/2026",
    "It cost £12.50, too much",
    "Rent is £450 a month and the bus is £2.00",
    "See you 2026-12-03 at 6pm",
    "I scored 10/10",
    "Call Samaritans on 116 123",
    "Text SHOUT to 85258",
    "Room 101, flat 4B",
    "I'm ok. Just tired.",
    "e.g. more help with money",
    "My worker is great @ listening",
    "I was on the M1 for ages",
    "Ring 999 if it's an emergency",
    "Year 11 was hard",
    "",
]


@pytest.mark.parametrize(("written", "read"), REMOVED)
def test_contact_details_are_removed(written: str, read: str) -> None:
    """Phone numbers (UK and international), emails, postcodes, handles and links become
    plain markers; the words around them stay."""
    assert redact(written) == read


@pytest.mark.parametrize("written", KEPT)
def test_ordinary_words_stay(written: str) -> None:
    """Times, dates, money, ages, helpline short codes and ordinary punctuation are kept."""
    assert redact(written) == written


def test_several_details_in_one_answer() -> None:
    """Every detail in a long answer goes, however many."""
    text = "ring 07700 900123 or email a@b.com, I'm at LS1 4AP, @samj, www.x.org"
    assert redact(text) == f"ring {PHONE} or email {EMAIL}, I'm at {POSTCODE}, {HANDLE}, {LINK}"
