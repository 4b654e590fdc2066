"""Button data: one typed value for each kind of button the bot sends, and the one codec that
writes it into Telegram's 64 bytes and reads it back, refusing anything the bot did not write.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.reports.formats import FORMATS
from flows.engine import DONE
from flows.locales import LANGUAGES
from flows.survey import ID_PATTERN, PREFER_NOT, SKIPPED
from storage.base import Rsvp, UpdateStatus

MAX_BYTES = 64  # Telegram's limit on callback_data, in UTF-8 bytes
VERSION = "1"  # leads all data written now; data without it is from before versions (legacy)


@dataclass(frozen=True)
class Join:
    """ "Yes, I'm in" on the welcome; ``code`` is the cohort's invite code, "" for none."""

    code: str


@dataclass(frozen=True)
class Decline:
    """ "No thanks" on the welcome."""


@dataclass(frozen=True)
class StartCheckin:
    """Start on an invitation or reminder."""

    checkin_id: int


@dataclass(frozen=True)
class Answer:
    """A button under a question: an option id, a scale point, yes/no, skip, prefer not, done."""

    checkin_id: int
    question_id: str
    value: str


@dataclass(frozen=True)
class MeetingReply:
    """Going / Maybe / Can't make it under a meeting."""

    meeting_id: int
    answer: Rsvp


@dataclass(frozen=True)
class Delete:
    """Yes or no to "delete everything about me"."""

    confirmed: bool


@dataclass(frozen=True)
class Language:
    """ "English" or "Cymraeg" under /language; ``code`` is ``en`` or ``cy``."""

    code: str


@dataclass(frozen=True)
class Privacy:
    """ "How we keep it private" on the welcome; ``code`` as on its join button."""

    code: str


@dataclass(frozen=True)
class Consent:
    """Yes or no to "would you like someone from the team to get in touch?"."""

    yes: bool


@dataclass(frozen=True)
class Pause:
    """A choice under "take a break from my messages?": ``days`` 0 means until they say, -1
    keeps messages coming. ``was`` is when their pause ended as the question was asked
    (whole seconds; ``None``: not paused) and ``asked`` when it was asked (whole seconds; 0:
    a button from before either was written), so an answered or old question is known."""

    days: int
    was: int | None = None
    asked: int = 0


@dataclass(frozen=True)
class Feedback:
    """ "That helps" / "Not enough" under a "you said, we did" update. ``was`` is the choice the
    person had when the buttons were drawn (``None``: none yet): it is kept only here, in their
    own message, never in the database."""

    posted_id: int
    value: str  # "helps" or "not_enough"
    was: str | None


@dataclass(frozen=True)
class TellMore:
    """ "Tell us more" under an update."""

    posted_id: int


@dataclass(frozen=True)
class WizardPress:
    """A button in a staff wizard (``bot/telegram/wizard.py``). ``token`` names one run of the
    wizard and ``turn`` the message it was on, so a button from a finished, forgotten or
    earlier message is recognised as stale. ``action`` is one of ``WIZARD_ACTIONS``;
    ``index`` picks a choice (or, for a fix, a step) from the list kept on our side."""

    wizard: str
    token: str
    turn: int
    action: str
    index: int = 0


@dataclass(frozen=True)
class ResultsOf:
    """A check-in chosen under /results (leads)."""

    checkin_id: int


@dataclass(frozen=True)
class ExportOf:
    """Under /export (leads): a check-in chosen (``fmt`` ""), then a format for it."""

    checkin_id: int
    fmt: str = ""


@dataclass(frozen=True)
class ExportBack:
    """Back from the formats to the list of check-ins under /export."""


@dataclass(frozen=True)
class PlanPress:
    """A lead's button on the action plan (/actionplan). ``step``: "o" open one action (its
    status buttons), "s" set its status to ``status`` (``was``: where it stood when the button
    was drawn, so a button from before a change is known to be stale), "t" tell young people
    (the update about ``status``), "n" not now, "b" back to the whole plan."""

    action_id: int
    step: str
    status: UpdateStatus | None = None
    was: UpdateStatus | None = None


Press = (
    Join
    | Decline
    | StartCheckin
    | Answer
    | MeetingReply
    | Delete
    | WizardPress
    | Language
    | Privacy
    | Consent
    | Pause
    | ResultsOf
    | ExportOf
    | ExportBack
    | Feedback
    | TellMore
    | PlanPress
)

# pick a choice, back, cancel, confirm, fix a step, done (with a multi-choice step)
WIZARD_ACTIONS = "pbxyfd"

# The fields, as the bot writes them. Numbers are ASCII digits ("²".isdigit() is true), short
# enough for a SQLite integer; question ids and values are what survey validation allows.
_NUMBER = r"[0-9]{1,18}"
_CODE = r"[A-Za-z0-9_-]{1,32}"  # invite codes, as a t.me/<bot>?start= link carries them
_SPECIAL = "|".join(re.escape(v) for v in (SKIPPED, PREFER_NOT, DONE))
_VALUE = rf"{ID_PATTERN}|[0-9]{{1,2}}|{_SPECIAL}"
_RSVP = "|".join(re.escape(r.value) for r in Rsvp)
_FORMAT = "|".join(FORMATS)
# Feedback values, one letter each on the wire ("-": no choice yet).
_SHORT = {"helps": "h", "not_enough": "n"}
_LONG = {short: value for value, short in _SHORT.items()}
_LANGUAGE = "|".join(LANGUAGES)
# Plan statuses, one letter each on the wire.
_PLAN = {UpdateStatus.PLANNED: "p", UpdateStatus.IN_PROGRESS: "i", UpdateStatus.DONE: "d"}
_PLAN |= {UpdateStatus.COULDNT: "c"}
_PLAN_BACK = {letter: status for status, letter in _PLAN.items()}

# One layout for every version so far: version 1 is the legacy layout under a leading "1", so
# old buttons still on phones or in the outbox read as the same presses. A later version that
# changes the layout gets its own table.
_LAYOUT: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Press]]] = [
    (re.compile(rf"j:({_CODE})?"), lambda m: Join(m[1] or "")),
    (re.compile(r"n"), lambda m: Decline()),
    (re.compile(rf"c:({_NUMBER})"), lambda m: StartCheckin(int(m[1]))),
    (
        re.compile(rf"a:({_NUMBER}):({ID_PATTERN}):({_VALUE})"),
        lambda m: Answer(int(m[1]), m[2], m[3]),
    ),
    (re.compile(rf"m:({_NUMBER}):({_RSVP})"), lambda m: MeetingReply(int(m[1]), Rsvp(m[2]))),
    (re.compile(r"d:(yes|no)"), lambda m: Delete(m[1] == "yes")),
]
# Written only since versions began, so never read without one.
_VERSIONED: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Press]]] = [
    (
        re.compile(
            rf"w:([a-z]{{1,8}}):([A-Za-z0-9]{{6}}):([0-9]{{1,6}}):([{WIZARD_ACTIONS}]):([0-9]{{1,3}})"
        ),
        lambda m: WizardPress(m[1], m[2], int(m[3]), m[4], int(m[5])),
    ),
    (re.compile(rf"l:({_LANGUAGE})"), lambda m: Language(m[1])),
    (re.compile(rf"p:({_CODE})?"), lambda m: Privacy(m[1] or "")),
    (re.compile(r"s:(yes|no)"), lambda m: Consent(m[1] == "yes")),
    (
        re.compile(r"z:(-1|[0-9]{1,3})(?::(-|[0-9]{1,12}):([0-9]{1,12}))?"),
        lambda m: Pause(int(m[1]), _number(m[2]), int(m[3] or 0)),
    ),
    (re.compile(rf"rs:({_NUMBER})"), lambda m: ResultsOf(int(m[1]))),
    (re.compile(rf"ex:({_NUMBER})(?::({_FORMAT}))?"), lambda m: ExportOf(int(m[1]), m[2] or "")),
    (re.compile(r"ex:back"), lambda m: ExportBack()),
    (
        re.compile(rf"f:({_NUMBER}):([hn]):([hn-])"),
        lambda m: Feedback(int(m[1]), _LONG[m[2]], _LONG.get(m[3])),
    ),
    (re.compile(rf"t:({_NUMBER})"), lambda m: TellMore(int(m[1]))),
    (
        re.compile(rf"pl:({_NUMBER}):([obstn])(?::([pidc]))?(?::([pidc]))?"),
        lambda m: PlanPress(int(m[1]), m[2], _PLAN_BACK.get(m[3]), _PLAN_BACK.get(m[4])),
    ),
]


def _number(field: str | None) -> int | None:
    """A number field that "-" (or its absence) leaves out."""
    return None if field in (None, "-") else int(field)


def encode(press: Press) -> str:
    """The button data for ``press``; ValueError if a field is not one the bot could read
    back (a negative id, an id that is not a survey id) or the data would not fit."""
    match press:
        case Join(code):
            fields = ["j", code]
        case Decline():
            fields = ["n"]
        case StartCheckin(checkin_id):
            fields = ["c", str(checkin_id)]
        case Answer(checkin_id, question_id, value):
            fields = ["a", str(checkin_id), question_id, value]
        case MeetingReply(meeting_id, answer):
            fields = ["m", str(meeting_id), answer.value]
        case Delete(confirmed):
            fields = ["d", "yes" if confirmed else "no"]
        case Feedback(posted_id, value, was):
            fields = ["f", str(posted_id), _SHORT.get(value, "?"), _SHORT.get(was or "", "-")]
        case TellMore(posted_id):
            fields = ["t", str(posted_id)]
        case WizardPress(wizard, token, turn, action, index):
            fields = ["w", wizard, token, str(turn), action, str(index)]
        case Language(code):
            fields = ["l", code]
        case Privacy(code):
            fields = ["p", code]
        case Consent(yes):
            fields = ["s", "yes" if yes else "no"]
        case Pause(days, was, asked):
            stamps = [str(was) if was is not None else "-", str(asked)] if asked else []
            fields = ["z", str(days), *stamps]
        case ResultsOf(checkin_id):
            fields = ["rs", str(checkin_id)]
        case ExportOf(checkin_id, fmt):
            fields = ["ex", str(checkin_id), *([fmt] if fmt else [])]
        case ExportBack():
            fields = ["ex", "back"]
        case PlanPress(action_id, step, status, was):
            marks = [_PLAN[s] for s in (status, was) if s is not None]
            fields = ["pl", str(action_id), step, *marks]
    data = VERSION + ":".join(fields)
    if decode(data) != press:
        raise ValueError(f"cannot be button data: {press!r}")
    return data


def decode(data: str) -> Press | None:
    """The press ``data`` stands for, or None for anything unknown, malformed, forged, too
    long or from an unknown version. Never raises: the data comes back from the phone."""
    if not isinstance(data, str) or not data.isascii() or len(data) > MAX_BYTES:
        return None
    body = data.removeprefix(VERSION)
    if body[:1].isdigit():
        return None  # a version this bot does not know
    layout = _LAYOUT + _VERSIONED if data.startswith(VERSION) else _LAYOUT
    for pattern, build in layout:
        if found := pattern.fullmatch(body):
            return build(found)
    return None
