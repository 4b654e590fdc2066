"""A staff member's wizard ``Session`` as text for the database, and back: tagged JSON, never
pickle (whoever can write the database must not be able to run code here).

Values are None, bool, int, float, str, lists, tuples, dicts with text keys, aware
datetimes, dates, timedeltas and members of the enums in ``ENUMS``; anything else raises
``UnknownValue`` when saving. A state that no longer reads (a wizard renamed by an upgrade)
loads as None: the wizard was put away.
"""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Callable
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from bot.telegram.wizard_steps import EXPIRY, Choice, Session, Wizard, known
from storage.base import WizardStore
from storage.values import IdeaStatus

ENUMS: dict[str, type[Enum]] = {"IdeaStatus": IdeaStatus}
_TAG = "$"
_TOKEN_ALPHABET = string.ascii_letters + string.digits


class UnknownValue(TypeError):
    """A wizard answer or button value this codec cannot keep: add its type here."""


def encode(value: Any) -> Any:
    """``value`` as plain JSON, with a ``{"$": tag, "v": ...}`` wrapper for what JSON lacks."""
    if isinstance(value, Enum):  # first: a StrEnum is a str too
        if ENUMS.get(type(value).__name__) is not type(value):
            raise UnknownValue(f"enum {type(value).__name__} is not in wizard_state.ENUMS")
        return {_TAG: "enum", "c": type(value).__name__, "v": value.name}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise UnknownValue("a datetime without a time zone")
        return {_TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {_TAG: "date", "v": value.isoformat()}
    if isinstance(value, timedelta):
        return {_TAG: "timedelta", "v": value.total_seconds()}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, tuple):
        return {_TAG: "tuple", "v": [encode(item) for item in value]}
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {_TAG: "dict", "v": {key: encode(item) for key, item in value.items()}}
    raise UnknownValue(f"a wizard cannot keep a {type(value).__name__}")


def decode(data: Any) -> Any:
    """The value ``encode`` made ``data`` from; ValueError if it is not one."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    tag, inner = data.get(_TAG), data.get("v")
    if tag == "enum":
        kind = ENUMS.get(str(data.get("c")))
        if kind is None or not isinstance(inner, str) or inner not in kind.__members__:
            raise ValueError("an enum this version does not know")
        return kind[inner]
    if tag == "datetime" and isinstance(inner, str):
        return datetime.fromisoformat(inner)
    if tag == "date" and isinstance(inner, str):
        return date.fromisoformat(inner)
    if tag == "timedelta" and isinstance(inner, int | float):
        return timedelta(seconds=inner)
    if tag == "tuple" and isinstance(inner, list):
        return tuple(decode(item) for item in inner)
    if tag == "dict" and isinstance(inner, dict):
        return {str(key): decode(item) for key, item in inner.items()}
    raise ValueError(f"an unknown tagged value: {tag!r}")


def dump(session: Session) -> str:
    """The session as text; raises ``UnknownValue`` for a value it cannot keep."""
    return json.dumps(
        {
            "wizard": session.wizard.name,
            "token": session.token,
            "touched": session.touched,
            "answers": encode(dict(session.answers)),
            "path": session.path,
            "turn": session.turn,
            "offered": [[choice.label, encode(choice.value)] for choice in session.offered],
            "multi": session.multi,
            "ticked": sorted(session.ticked),
            "seen": session.seen,
        }
    )


def load(text: str) -> Session | None:
    """The session ``dump`` made ``text`` from, or None if it no longer reads."""
    try:
        data = json.loads(text)
        wizard = next((w for w in known() if w.name == data["wizard"]), None)
        answers = decode(data["answers"])
        if wizard is None or not isinstance(answers, dict):
            return None
        path = [int(i) for i in data["path"]]
        if not path or any(i < 0 or i > len(wizard.steps) for i in path):
            return None
        return Session(
            wizard,
            str(data["token"]),
            float(data["touched"]),
            answers,
            path,
            int(data["turn"]),
            [Choice(str(label), decode(value)) for label, value in data["offered"]],
            bool(data["multi"]),
            {int(i) for i in data["ticked"]},
            int(data["seen"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


class WizardSessions:
    """Every running wizard, by staff member's Telegram id, kept in the database, so whichever
    bot gets a staff member's next update (or a restarted one) carries it on. ``get`` at the
    start of an update, ``save`` after it (or ``end``): changes in between are written."""

    def __init__(self, store: WizardStore, clock: Callable[[], float]) -> None:
        self.store = store
        self.clock = clock

    def begin(self, wizard: Wizard) -> Session:
        """A new run of ``wizard`` (it replaces any other when saved)."""
        token = "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(6))
        return Session(wizard, token, self.clock())

    async def get(self, user_id: int) -> Session | None:
        """The staff member's wizard, unless it was put away for going unused (or no longer
        reads after an upgrade)."""
        text = await self.store.load_wizard(user_id, self.clock() - EXPIRY)
        session = None if text is None else load(text)
        if session is None:
            if text is not None:
                await self.store.drop_wizard(user_id)
            return None
        session.touched = self.clock()
        return session

    async def save(self, user_id: int, session: Session) -> None:
        """Write ``session``, touched when its update began (``begin`` or ``get``)."""
        await self.store.save_wizard(user_id, dump(session), session.touched)

    async def end(self, user_id: int) -> None:
        await self.store.drop_wizard(user_id)
