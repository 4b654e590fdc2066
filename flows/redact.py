"""Taking contact details out of free text before staff read it: phone numbers, email
addresses, UK postcodes, @handles and links, each replaced by a plain marker.

Phone numbers are found by ``phonenumbers`` (Google's libphonenumber metadata, offline), read
as UK numbers unless written with a country code, plus any long run of digits; the rest are
patterns. It errs towards removing too much: a young person's words matter less than their
number reaching the wrong reader.
"""

from __future__ import annotations

import re

import phonenumbers

PHONE = "[phone number removed]"
EMAIL = "[email removed]"
LINK = "[link removed]"
HANDLE = "[username removed]"
POSTCODE = "[postcode removed]"

# A phone number has at least this many digits: fewer are prices, times, years and short
# helpline codes (116 123), which say nothing about the writer.
MIN_PHONE_DIGITS = 9

# The domain's ending is optional: "jo.smith@gmail" still reaches Jo.
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*", re.IGNORECASE)
# Common endings of web addresses written without http or www ("example.com/page").
_TLDS = (
    r"com|net|org|info|biz|io|me|ly|gg|tv|xyz|app|dev|online|site|shop|live|co|uk|ie|eu"
    r"|co\.uk|org\.uk|gov\.uk|ac\.uk|nhs\.uk|sch\.uk"
)
_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+"
    r"|\b(?:t|telegram)\.me/[\w/+-]+"
    rf"|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})\b(?:/[^\s<>\"]*)?",
    re.IGNORECASE,
)
# Any length from one character: "@jo" is as much a handle as "@jo_smith".
_HANDLE = re.compile(r"(?<![\w.@])@[a-z0-9_](?:[a-z0-9_.]{0,30}[a-z0-9_])?\b", re.IGNORECASE)
# A full UK postcode: outward code (area, district) and inward code (sector, unit), with up
# to three spaces between ("CF10  1AA").
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]?"
    r"[ \t]{0,3}[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
# A long run of digits with the separators people type, country code or not.
_DIGITS = re.compile(r"(?<![\w+])\+?(?:\d[\s().-]{0,2}){9,}\d")


def _phones(text: str) -> str:
    found = [
        (m.start, m.end)
        for m in phonenumbers.PhoneNumberMatcher(
            text, "GB", leniency=phonenumbers.Leniency.POSSIBLE
        )
        if sum(ch.isdigit() for ch in m.raw_string) >= MIN_PHONE_DIGITS
    ]
    for start, end in reversed(found):
        text = text[:start] + PHONE + text[end:]
    return _DIGITS.sub(PHONE, text)


def redact(text: str) -> str:
    """The text with phone numbers, email addresses, links, @handles and UK postcodes
    replaced by markers such as "[phone number removed]"."""
    text = _EMAIL.sub(EMAIL, text)
    text = _LINK.sub(LINK, text)
    text = _HANDLE.sub(HANDLE, text)
    text = _phones(text)
    return _POSTCODE.sub(POSTCODE, text)
