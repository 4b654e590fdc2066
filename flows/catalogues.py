"""The translation catalogues: gettext ``.po`` files in ``flows/locale/``, one per reading
(``cy.po``, ``en@easyread.po``, ``cy@easyread.po``), read with Babel when first needed.

Each entry's context (``msgctxt``) is the message key and its ``msgid`` the English it was
translated from, so a translation made for older English is not used (English shows instead)
until someone checks it: the key-parity test names it.
"""

from __future__ import annotations

import gettext
import io
import itertools
import string
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations

from flows.datafile import suggest
from flows.locales import ENGLISH, READINGS, WELSH, fallbacks

DOMAIN = "messages"


def locale_dir() -> Path:
    return Path(str(resources.files("flows") / "locale"))


def catalogue_path(reading: str, folder: Path | None = None) -> Path:
    return (folder or locale_dir()) / f"{reading}.po"


def read_catalogue(path: Path) -> Catalog:
    """One ``.po`` file as a Babel catalogue (translator comments kept)."""
    with path.open("rb") as file:
        return read_po(file, domain=DOMAIN)


def _compiled(reading: str) -> gettext.NullTranslations:
    """The catalogue for one reading, compiled in memory (entries marked fuzzy are left out,
    as gettext does); an empty one if there is no file."""
    path = catalogue_path(reading)
    if not path.exists():
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, read_catalogue(path))
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The catalogues for ``locale`` chained best first (Welsh easy-read, then Welsh); what
    none has comes back as the English it was asked with."""
    chain = [_compiled(reading) for reading in fallbacks(locale) if reading != ENGLISH]
    if not chain:
        return gettext.NullTranslations()
    for better, worse in itertools.pairwise(chain):
        better.add_fallback(worse)
    return chain[0]


def translate(key: str, english: str, locale: str) -> str:
    """The words for message ``key`` (whose English is ``english``) for ``locale``."""
    return translations(locale).pgettext(key, english)


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a message template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def template(english: Mapping[str, str]) -> Catalog:
    """Every message as an untranslated entry: context the key, msgid its English."""
    catalogue = Catalog(domain=DOMAIN, project="Youth Voice", fuzzy=False)
    for key, words in english.items():
        catalogue.add(words, context=key)
    return catalogue


def update_catalogue(catalogue: Catalog, english: Mapping[str, str]) -> Catalog:
    """``catalogue`` brought up to date with the English (Babel's ``Catalog.update``): new keys
    added untranslated, a changed English marked fuzzy (its msgid now the new English),
    removed keys dropped when written. Translator comments stay."""
    catalogue.update(template(english), update_creation_date=False)
    return catalogue


def write_catalogue(catalogue: Catalog, path: Path) -> None:
    with path.open("wb") as file:
        # No "#|" previous msgids: Babel's reader takes them back as translator comments.
        write_po(file, catalogue, width=100, ignore_obsolete=True)


def check_catalogue(
    catalogue: Catalog, english: Mapping[str, str], name: str, complete: bool
) -> list[str]:
    """Every problem in one catalogue, one line each naming the file, the key and the fix: an
    unknown key, a translation of older English, a fuzzy entry, placeholders that differ from
    the English, and (when ``complete``) a message not translated."""
    problems: list[str] = []
    done: set[str] = set()
    for entry in catalogue:
        if not entry.id:
            continue  # the header
        key = str(entry.context or "")
        where = f"{name}: '{key}'"
        if key not in english:
            problems.append(f"{where}: no message has this key{suggest(key, english)}; remove it")
            continue
        if not entry.string:
            continue
        if entry.fuzzy:
            problems.append(f"{where}: marked fuzzy; check the words, then remove 'fuzzy'")
        elif entry.id != english[key]:
            problems.append(
                f"{where}: translated from older English; run 'youthvoice translations update' "
                "and check the words"
            )
        else:
            done.add(key)
        if placeholders(str(entry.string)) != placeholders(english[key]):
            wanted = ", ".join(sorted(f"{{{p}}}" for p in placeholders(english[key]))) or "none"
            problems.append(f"{where}: the {{placeholders}} must be the English ones ({wanted})")
    if complete:
        problems += [f"{name}: '{key}': not translated yet" for key in english if key not in done]
    return problems


def check_catalogues(english: Mapping[str, str], folder: Path | None = None) -> list[str]:
    """Every problem in every catalogue; Welsh must translate every message, an easy-read
    catalogue only those whose easy-read words differ."""
    problems: list[str] = []
    for reading in READINGS:
        path = catalogue_path(reading, folder)
        if path.exists():
            problems += check_catalogue(
                read_catalogue(path), english, path.name, complete=reading == WELSH
            )
        elif reading == WELSH:
            problems.append(f"{path.name}: missing; run 'youthvoice translations update'")
    return problems
