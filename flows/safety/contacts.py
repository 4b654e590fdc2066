"""Support contacts: the per-deployment file of people a young person can reach right now
(``support_contacts.yaml``, UK defaults bundled), and the short, warm message that lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from flows.datafile import explain, line_of, where, yaml_problem
from flows.locales import WELSH, language_of
from flows.messages import say
from flows.safety.phrases import SCHEMA_VERSION, SafetyFileError

# How old a contact's last check may be before staff are asked to check it again.
CHECK_EVERY = timedelta(days=183)


class ContactWords(BaseModel):
    """A contact's words in Welsh (``cy:``): any left out are shown as written in English."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(default=None, min_length=1, max_length=40)
    call: str | None = Field(default=None, min_length=1, max_length=60)
    text: str | None = Field(default=None, min_length=1, max_length=60)
    who: str | None = Field(default=None, min_length=1, max_length=60)
    when: str | None = Field(default=None, min_length=1, max_length=60)


class SupportContact(BaseModel):
    """One service: how to reach it (``call``, ``text`` or both), who it is for and when, and
    its words in Welsh (``cy``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40)
    call: str | None = Field(default=None, min_length=1, max_length=60)
    text: str | None = Field(default=None, min_length=1, max_length=60)
    who: str | None = Field(default=None, min_length=1, max_length=60)
    when: str | None = Field(default=None, min_length=1, max_length=60)
    last_checked: date
    cy: ContactWords | None = None

    def read_in(self, locale: str) -> SupportContact:
        """This contact as a reader of ``locale`` sees it: the Welsh words for a Welsh one."""
        if self.cy is None or language_of(locale) != WELSH:
            return self
        return self.model_copy(update=self.cy.model_dump(exclude_none=True))

    @model_validator(mode="after")
    def _reachable(self) -> SupportContact:
        if self.call is None and self.text is None:
            raise ValueError("needs 'call' (a phone number) or 'text' (what to text, and where)")
        return self


class _ContactsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    contacts: list[SupportContact] = Field(min_length=1)


def bundled_support_contacts() -> Path:
    return Path(str(resources.files("flows.safety") / "support_contacts.yaml"))


def parse_support_contacts(text: str, name: str) -> list[SupportContact]:
    """The contacts in one file's ``text``; the first problem is raised as a
    ``SafetyFileError`` naming ``name``, the line and the fix."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SafetyFileError(yaml_problem(exc, name)) from None
    if not isinstance(data, dict):
        raise SafetyFileError(f"{name}: should be a mapping with schema_version and contacts")
    if data.get("schema_version") != SCHEMA_VERSION:
        version = data.get("schema_version")
        found = "is missing" if version is None else f"is {version!r}"
        raise SafetyFileError(
            f"{name}: schema_version: {found}; this version of Youth Voice reads "
            f"schema_version: {SCHEMA_VERSION}"
        )
    try:
        return list(_ContactsFile.model_validate(data).contacts)
    except ValidationError as exc:
        error = exc.errors()[0]
        line = line_of(root, error["loc"])
        raise SafetyFileError(
            f"{name}: line {line}: {where(error['loc'])}: {explain(error)}"
        ) from None


def load_support_contacts(path: Path | None = None) -> list[SupportContact]:
    """The contacts in ``path`` (default: the bundled UK ones), in the file's order."""
    path = path or bundled_support_contacts()
    return parse_support_contacts(path.read_text(encoding="utf-8"), path.name)


@cache
def default_support_contacts() -> tuple[SupportContact, ...]:
    """The bundled UK contacts, read once."""
    return tuple(load_support_contacts())


def needs_checking(
    contacts: Sequence[SupportContact], today: date, every: timedelta = CHECK_EVERY
) -> list[SupportContact]:
    """The contacts whose details were last checked longer ago than ``every``."""
    return [contact for contact in contacts if today - contact.last_checked > every]


def support_message(
    contacts: Sequence[SupportContact], lang: str, *, urgent: bool = True, anytime: bool = False
) -> str:
    """What the bot says at once, in ``lang``: a few warm words, then one line per contact.
    ``urgent`` after a worrying message; the gentler words after a survey answer; ``anytime``
    for /urgent and /help, which anyone may ask for."""
    key = "support_anytime" if anytime else "support_urgent" if urgent else "support_gentle"
    return "\n\n".join([say(key, lang), contact_lines(contacts, lang)])


def contact_lines(contacts: Sequence[SupportContact], lang: str) -> str:
    """One line per contact, in the file's order."""
    return "\n".join(_line(contact, lang) for contact in contacts)


def _line(contact: SupportContact, lang: str) -> str:
    contact = contact.read_in(lang)
    ways = [say("support_call", lang, number=contact.call)] if contact.call else []
    ways += [say("support_text", lang, text=contact.text)] if contact.text else []
    how = ways[0] if len(ways) == 1 else say("support_or", lang, first=ways[0], second=ways[1])
    about = ", ".join(part for part in (contact.who, contact.when) if part)
    if about:
        return say("support_line_about", lang, name=contact.name, how=how, about=about)
    return say("support_line", lang, name=contact.name, how=how)
