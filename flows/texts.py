"""Messages as data: a message key and its parameters, kept until the moment of sending and then
rendered in the reader's language. Queued messages are stored this way, never as finished text.

A text is JSON-able: a plain string (a place a worker typed), a message
``{"key": ..., "params": {...}}`` whose parameters may be texts themselves, a local time
``{"time": <unix seconds>, "from": <unix seconds>}`` (with its year when ``from``, the moment it
was written, falls in another year), a date ``{"date": "YYYY-MM-DD"}``, ``{"lines": [...]}`` (texts
joined one per line), or ``{"words": {"en": ..., "cy": ..., "en@easyread": ...}}`` (words a
survey file gives in each reading, such as its title; ``flows.locales`` picks the reader's).

``lang`` is the reader: a language, with ``@easyread`` for easy-read (``flows.locales``).
Easy read is one idea a message: ``in_parts`` splits a rendered message at its blank lines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flows.locales import is_easy_read, language_of, pick
from flows.messages import say
from flows.schedule import format_date, format_local

Text = str | Mapping[str, Any]
Buttons = list[list[dict[str, Any]]]
B = TypeVar("B")
# A blank line (perhaps with spaces on it) ends a paragraph: one idea.
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def message(key: str, **params: Any) -> dict[str, Any]:
    """The message ``key`` with its parameters, to be rendered for its reader."""
    return {"key": key, "params": params}


def local_time(timestamp: float, now: float | None = None) -> dict[str, Any]:
    """A moment, shown in the deployment's time zone when rendered, with its year when that is
    not the year of ``now`` (the moment the message is made)."""
    return {"time": timestamp} if now is None else {"time": timestamp, "from": now}


def local_date(day: str) -> dict[str, Any]:
    """A date (YYYY-MM-DD), shown with its weekday and year when rendered."""
    return {"date": day}


def words(by_reading: Mapping[str, str]) -> dict[str, Any]:
    """The same words in several readings (``en`` always), as a survey file gives them."""
    return {"words": dict(by_reading)}


def lines(*parts: Text) -> dict[str, Any]:
    """Texts shown one per line."""
    return {"lines": list(parts)}


def render(text: Text, lang: str, zone: ZoneInfo) -> str:
    """The words of ``text`` in ``lang``; raises ValueError for data that is not a text."""
    if isinstance(text, str):
        return text
    if "key" in text:
        params = {name: _param(value, lang, zone) for name, value in text["params"].items()}
        return say(str(text["key"]), lang, **params)
    if "time" in text:
        when = datetime.fromtimestamp(float(text["time"]), zone)
        made = text.get("from")
        written = None if made is None else datetime.fromtimestamp(float(made), zone)
        return format_local(when, zone, written, language_of(lang))
    if "date" in text:
        return format_date(date.fromisoformat(str(text["date"])))
    if "lines" in text:
        return "\n".join(render(part, lang, zone) for part in text["lines"])
    if "words" in text:
        return pick(text["words"], lang)
    raise ValueError(f"not a text: {sorted(text)}")


def render_buttons(
    buttons: Sequence[Sequence[Mapping[str, Any]]], lang: str, zone: ZoneInfo
) -> list[list[dict[str, str]]]:
    """Buttons whose labels are texts, with the labels rendered (data and links kept)."""
    return [
        [{**button, "text": render(button["text"], lang, zone)} for button in row]
        for row in buttons
    ]


def in_parts(words: str, buttons: B, lang: str, empty: B) -> list[tuple[str, B]]:
    """The messages ``words`` (with ``buttons``) go out as. For an easy-read reader, one a
    paragraph (paragraphs are split at blank lines: one idea a message), the buttons on the
    last, so a tap answers the message it is on; ``empty`` is no buttons. For anyone else, the
    words whole, as one message."""
    if not is_easy_read(lang):
        return [(words, buttons)]
    found = [part.strip() for part in _BLANK_LINE.split(words) if part.strip()]
    if len(found) < 2:
        return [(words, buttons)]
    return [(part, empty) for part in found[:-1]] + [(found[-1], buttons)]


def in_reading(value: Any, lang: str) -> Any:
    """A parameter with any survey words (``words``) picked for ``lang``; others as they are."""
    if isinstance(value, Mapping) and "words" in value:
        return pick(value["words"], lang)
    return value


def _param(value: Any, lang: str, zone: ZoneInfo) -> Any:
    return render(value, lang, zone) if isinstance(value, Mapping) else value
