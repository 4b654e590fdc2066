"""Who reads a message: a language (English or Welsh) and, for easy-read, the gettext modifier
``@easyread`` (as in ``sr@latin``): ``en``, ``cy``, ``en@easyread``, ``cy@easyread``.

A reader's words fall back one step at a time: Welsh easy-read, then Welsh, then English.
"""

from __future__ import annotations

from collections.abc import Mapping

ENGLISH, WELSH = "en", "cy"
LANGUAGES = (ENGLISH, WELSH)
EASY_READ = "easyread"
# Every reading a survey file or a catalogue may be written for, besides standard English.
READINGS = (WELSH, f"{ENGLISH}@{EASY_READ}", f"{WELSH}@{EASY_READ}")
# Each language's own name, on the /language buttons.
NAMES = {ENGLISH: "English", WELSH: "Cymraeg"}


def locale_of(language: str, easy_read: bool = False) -> str:
    """The reading for someone's stored language and easy-read choice (an unknown language
    reads English)."""
    base = language if language in LANGUAGES else ENGLISH
    return f"{base}@{EASY_READ}" if easy_read else base


def language_of(locale: str) -> str:
    """The language part of a reading: ``cy@easyread`` is ``cy``."""
    base = locale.partition("@")[0]
    return base if base in LANGUAGES else ENGLISH


def is_easy_read(locale: str) -> bool:
    return locale.partition("@")[2] == EASY_READ


def fallbacks(locale: str) -> list[str]:
    """The readings to try for ``locale``, best first, always ending in English."""
    language = language_of(locale)
    chain = [locale_of(language, True)] if is_easy_read(locale) else []
    chain.append(language)
    if language != ENGLISH:
        chain.append(ENGLISH)
    return chain


def from_telegram(language_code: str | None) -> str:
    """The first language for someone who joins, from their Telegram app's language (an IETF
    tag such as ``cy`` or ``en-GB``); English unless it is Welsh."""
    if language_code and language_code.lower().split("-")[0] == WELSH:
        return WELSH
    return ENGLISH


def pick(words: Mapping[str, str], locale: str) -> str:
    """The best of ``words`` (by reading, ``en`` always present) for ``locale``."""
    return next((words[tag] for tag in fallbacks(locale) if words.get(tag)), words[ENGLISH])
