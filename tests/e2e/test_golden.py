"""Golden transcripts: scripted chats through every bundled survey, rendered by the bot's own
``bot.telegram.screen`` (what ``conversation.render`` carries out) and compared with
``tests/e2e/golden/<survey>.yaml`` (inputs, replies and stored answers).

After a deliberate change to a survey, the engine or the wording, rewrite the files with
``pytest tests/e2e/test_golden.py --update-golden`` and read the diff before committing it.

No clock here: the engine never reads the time (it takes no ``now``), so a transcript cannot
depend on when it runs. If it ever does, pass a fixed ``now`` from this module.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.actions.button_data import Answer, decode
from bot.telegram.screen import ClearButtons, MarkPressed, Op, Popup, RedrawPressed, Send, screen
from flows.engine import (
    Event,
    Finish,
    Press,
    Resume,
    State,
    Text,
    Unreadable,
    advance,
    shown,
    start,
)
from flows.survey import Survey, load_surveys

GOLDEN = Path(__file__).parent / "golden"
SURVEYS = load_surveys()

# The scripts, in a small chat language (each line is one thing the young person does):
#   tap: LABEL              press a button on the newest message showing the current question
#   tap old QUESTION: LABEL press a button on the newest message that showed QUESTION
#   tap stale: LABEL        press a button on an older copy of the current question (one
#                           whose buttons were taken off, but a slow phone still showed them)
#   type: WORDS             send text; "type: <N characters>" sends a long text (kept up to the cap)
#   sticker                 send something that is not text (sticker, photo, voice note)
#   /checkin                ask to carry on where they were
PATHS: dict[str, dict[str, list[str]]] = {
    "weekly": {
        # Not safe at home (typed), so "What would help you feel safer?" is asked as a follow-up
        # sharing number 2; bad input, a stale copy and an answered question on the way.
        "not_safe_at_home": [
            "tap: 🙁 Not great",
            "sticker",
            "tap stale: Yes",
            "type: maybe",
            "type: No!",
            "type:    ",
            "type: <1010 characters>",
            "tap old mood: 😄 Really good",
            "tap: It's tight",
            "tap: Yes",
            "tap: Done ✔",
            "tap: Help with housing",
            "tap: Someone to talk to",
            "tap: ✅ Help with housing",
            "tap: Help with money",
            "tap: Done ✔",
            "/checkin",
            "type: Thanks for asking.",
            "type: one more thing",
        ],
        # Skips and prefer-not-to-say: "safer" is never asked; the count stays "of 6".
        "skips_and_prefer_not": [
            "tap: Skip",
            "tap: Prefer not to say",
            "tap: Prefer not to say",
            "type: yeah",
            "tap: Skip",
            "tap: Skip",
        ],
    },
    "meeting_feedback": {
        "every_question_answered": [
            "tap: 🙂 Good",
            "tap: Yes",
            "type: The pizza, and everyone got a turn to speak.",
            "type: Start on time, please.",
            "tap: Maybe",
        ],
        "all_skipped": [
            "tap: Skip",
            "tap: Prefer not to say",
            "tap: Skip",
            "tap: Skip",
            "tap: Skip",
        ],
    },
}

CHECKIN_ID = 1  # any id: only the question id and value are read back from the button data
HEADER = (
    "# Written by `pytest tests/e2e/test_golden.py --update-golden` from the scripts in that "
    "file.\n# Each step: what the young person did (you) and every message or change the bot "
    "made.\n"
)
LONG_TEXT = re.compile(r"<(\d+) characters>")


class Chat:
    """The chat as the person sees it: numbered bot messages, and the buttons each still has."""

    def __init__(self) -> None:
        self.texts: dict[int, str] = {}
        self.buttons: dict[int, dict[str, str]] = {}  # message id -> label -> button data
        self.sent: dict[int, dict[str, str]] = {}  # the same, before any were taken off
        self.question_of: dict[int, str] = {}  # message id -> the question it shows
        self.next_id = 1

    def newest(self, question_id: str, copy: int = 0) -> int:
        """The message showing ``question_id``: the newest, or ``copy`` copies older."""
        ids = sorted((m for m, q in self.question_of.items() if q == question_id), reverse=True)
        if len(ids) <= copy:
            raise ValueError(f"no copy {copy} of {question_id!r} in the chat")
        return ids[copy]

    def show(self, ops: list[Op], pressed: int | None) -> tuple[list[str], int | None]:
        """Carry out the bot's operations; the lines a person sees, and the id of the message
        now showing a question (which the bot remembers)."""
        lines: list[str] = []
        asked: int | None = None
        for op in ops:
            if isinstance(op, Send):
                message_id, self.next_id = self.next_id, self.next_id + 1
                self.texts[message_id] = op.text
                self.buttons[message_id] = {b["text"]: b["data"] for row in op.buttons for b in row}
                self.sent[message_id] = self.buttons[message_id]
                rows = "\n".join(" ".join(f"[{b['text']}]" for b in row) for row in op.buttons)
                lines.append(f"{op.text}\n{rows}".strip())
                if op.question:
                    asked = message_id
                    data = next(iter(self.buttons[message_id].values()), "")
                    self.question_of[message_id] = _answer(data).question_id if data else "(text)"
            elif isinstance(op, ClearButtons):
                had = bool(self.buttons.get(op.message_id))
                self.buttons[op.message_id] = {}
                if had:
                    lines.append(f"(the buttons go from message #{op.message_id})")
            elif isinstance(op, MarkPressed) and pressed is not None:
                self.buttons[pressed] = {}
                lines.append(f"(under message #{pressed}) {op.line}")
            elif isinstance(op, RedrawPressed) and pressed is not None:
                self.buttons[pressed] = {b["text"]: b["data"] for row in op.buttons for b in row}
                self.sent[pressed] = self.buttons[pressed]
                rows = "\n".join(" ".join(f"[{b['text']}]" for b in row) for row in op.buttons)
                lines.append(f"(the buttons on message #{pressed} change)\n{rows}")
            elif isinstance(op, Popup) and op.text:
                lines.append(f"(pop-up) {op.text}")
        return lines, asked


def _answer(data: str) -> Answer:
    """A question button's data, read through the bot's codec as the bot reads it."""
    press = decode(data)
    assert isinstance(press, Answer), f"not a question button: {data!r}"
    return press


def _event(line: str, state: State, chat: Chat) -> tuple[Event, int | None]:
    """Turn one script line into the event the bot would hand the engine, and the message
    whose button was pressed."""
    verb, _, rest = line.partition(": ")
    if line == "sticker":
        return Unreadable(), None
    if line == "/checkin":
        return Resume(), None
    if verb == "type":
        long = LONG_TEXT.fullmatch(rest)
        return Text(("It is a lot. " * 200)[: int(long[1])] if long else rest), None
    if verb in ("tap", "tap stale") or verb.startswith("tap old "):
        question_id = verb.removeprefix("tap old ") if verb.startswith("tap old ") else None
        message_id = chat.newest(question_id or state.current or "", int(verb == "tap stale"))
        texts = chat.texts[message_id]
        # Buttons taken off an old message can still be pressed on a slow phone.
        buttons = chat.buttons[message_id] if verb == "tap" else chat.sent[message_id]
        if rest not in buttons:
            raise ValueError(f"{line!r}: no such button on #{message_id}: {texts!r}")
        answer = _answer(buttons[rest])
        return Press(answer.question_id, answer.value, message_id), message_id
    raise ValueError(f"{line!r}: not a script line (see PATHS)")


def transcript(survey: Survey, script: list[str]) -> dict[str, Any]:
    """Run a script through the engine and the bot's screen: each input with the bot's replies
    (answers stored first, as the bot does), then what is stored."""
    chat = Chat()
    stored: dict[str, Any] | None = None
    state, effects = start(survey)
    steps: list[dict[str, Any]] = []
    you, pressed = "(taps Start)", None
    script_lines = iter(script)
    while True:
        finish = next((e for e in effects if isinstance(e, Finish)), None)
        lines = ["(the answers below are stored, anonymously)"] if finish else []
        stored = dict(finish.answers) if finish else stored
        seen, asked = chat.show(screen(effects, CHECKIN_ID, "en", pressed is not None), pressed)
        if asked is not None and state.current is not None:
            state = shown(state, asked)
        steps.append({"you": you, "bot": lines + seen})
        you = next(script_lines, "")
        if not you:
            break
        event, pressed = _event(you, state, chat)
        state, effects = advance(survey, state, event)
    return {"steps": steps, "stored answers": stored}


class _Dumper(yaml.SafeDumper):
    """Multi-line messages as ``|`` blocks, so the file reads like the chat."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def golden(survey_id: str) -> dict[str, Any]:
    survey = SURVEYS[survey_id]
    paths = {name: transcript(survey, script) for name, script in PATHS[survey_id].items()}
    return {"survey": survey_id, "paths": paths}


def test_every_bundled_survey_has_golden_paths() -> None:
    """A new bundled survey needs scripts here (and a golden file) before it ships."""
    assert sorted(PATHS) == sorted(SURVEYS)


@pytest.mark.parametrize("survey_id", sorted(PATHS))
def test_golden_transcript(survey_id: str, request: pytest.FixtureRequest) -> None:
    """Each scripted chat gives exactly the replies and stored answers in its golden file."""
    path = GOLDEN / f"{survey_id}.yaml"
    expected = golden(survey_id)
    if request.config.getoption("--update-golden"):
        path.write_text(HEADER + dump(expected), encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(
            f"{path.name} is missing; run pytest tests/e2e/test_golden.py --update-golden",
            pytrace=False,
        )
    found = yaml.safe_load(path.read_text(encoding="utf-8"))
    if found != expected:
        diff = difflib.unified_diff(
            dump(found).splitlines(),
            dump(expected).splitlines(),
            f"tests/e2e/golden/{path.name}",
            "what the bot says now",
            lineterm="",
        )
        pytest.fail(
            "The chat differs from its golden transcript. If the change is meant, run "
            "pytest tests/e2e/test_golden.py --update-golden and review the new file.\n"
            + "\n".join(diff),
            pytrace=False,
        )
