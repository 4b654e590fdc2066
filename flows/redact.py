"""Taking contact details out of free text before staff read it: phone numbers, email
addresses, UK postcodes, @handles and links, each replaced by a plain marker."""

from __future__ import annotations

import re

EMAIL = "[email removed]"
LINK = "[link removed]"
HANDLE = "[username removed]"
POSTCODE = "[postcode removed]"
PHONE = "[phone number removed]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LINK = re.compile(r"(?:https?://|www\.)\S+|\bt\.me/\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@\w{3,}")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<!\w)\+?\d[\d\s().-]{8,}\d")


def redact(text: str) -> str:
    """The text with contact details replaced by markers."""
    text = _EMAIL.sub(EMAIL, text)
    text = _LINK.sub(LINK, text)
    text = _HANDLE.sub(HANDLE, text)
    text = _POSTCODE.sub(POSTCODE, text)
    return _PHONE.sub(PHONE, text)
