"""What a staff wizard is made of (``Wizard``, ``Step``, ``Prompt``, ``Choice``, and the
``Retry``, ``Refused`` and ``Changed`` a step, a preview or a finish raises) and each staff
member's run of one (``Session``, kept in the database by ``wizard_state.WizardSessions``).
``bot/telegram/wizard.py`` runs them and re-exports all of it: import from there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import Update

from bot.services import Services

Answers = dict[str, Any]
EXPIRY = 30 * 60.0  # seconds without a tap before a wizard is put away


class Retry(Exception):
    """Typed words a step cannot use; ``str()`` says why, kindly, and the step is asked again."""


class Refused(Exception):
    """The preview or the final step cannot go ahead as planned: ``str()`` says why in plain
    words, and ``step`` names the step to change (a button goes straight back to it)."""

    def __init__(self, step: str, words: str) -> None:
        super().__init__(words)
        self.step = step


class Changed(Exception):
    """At confirm: what the preview said no longer holds (people joined or left since), so
    nothing is done; ``str()`` says what changed and the preview is shown again to confirm."""


@dataclass(frozen=True)
class Choice:
    """A button: its label, and the value the step's answer takes when it is pressed."""

    label: str
    value: Any


@dataclass(frozen=True)
class Prompt:
    """What a step shows: its words and its buttons. ``multi``: the buttons toggle (ticked
    ones make a list) and a Done button moves on."""

    text: str
    choices: Sequence[Choice] = ()
    multi: bool = False


@dataclass(frozen=True)
class Step:
    """One question. ``ask`` builds its prompt from the answers so far. With ``read``, typed
    words are accepted too: it returns the value or raises ``Retry``. ``shown`` writes a
    typed value back for the staff member ("Thu 3 Dec, 6pm"); ``when`` skips the step if
    false."""

    name: str
    label: str
    ask: Callable[[Services, Answers], Awaitable[Prompt]]
    read: Callable[[str, Services, Answers], Any] | None = None
    shown: Callable[[Services, Any], str] = lambda svc, value: str(value)
    when: Callable[[Answers], bool] | None = None


@dataclass(frozen=True)
class Wizard:
    """A guided flow. ``name`` (a-z, at most 8) goes in button data; ``command`` is how to
    start it again. ``preview`` says what will happen, ``finish`` does it and says what was
    done (``int``: the staff member's Telegram id, for the audit log); either may raise
    ``Refused``, and ``finish`` ``Changed``."""

    name: str
    command: str
    steps: tuple[Step, ...]
    preview: Callable[[Services, Answers], Awaitable[str]]
    finish: Callable[[Services, Answers, int], Awaitable[str]]
    confirm_label: str = "✅ Confirm"


@dataclass
class Session:
    """One staff member's run of a wizard. ``path`` holds the indexes of the steps shown, the
    current one last (``len(steps)`` is the preview); ``offered`` the current buttons."""

    wizard: Wizard
    token: str
    touched: float
    answers: Answers = field(default_factory=dict)
    path: list[int] = field(default_factory=list)
    turn: int = 0
    offered: list[Choice] = field(default_factory=list)
    multi: bool = False
    ticked: set[int] = field(default_factory=set)
    seen: int = 0  # the newest update carried out: one Telegram sends again changes nothing
    over: bool = False  # finished or cancelled during this update: not saved again

    def fresh(self, update: Update) -> bool:
        """Whether ``update`` is new to this run (and mark it seen)."""
        if update.update_id <= self.seen:
            return False
        self.seen = update.update_id
        return True

    @property
    def at(self) -> int:
        return self.path[-1]

    @property
    def step(self) -> Step | None:
        """The step being asked, or None at the preview."""
        steps = self.wizard.steps
        return steps[self.at] if self.at < len(steps) else None


_REGISTRY: list[Wizard] = []


def register(wizard: Wizard) -> Wizard:
    """Make a wizard known, so a stale button of it can say which command starts it again."""
    if wizard not in _REGISTRY:
        _REGISTRY.append(wizard)
    return wizard


def known() -> Sequence[Wizard]:
    return _REGISTRY
