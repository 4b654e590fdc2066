"""Golden transcripts: scripted chats through every bundled survey, rendered the way the bot shows
them and compared with ``tests/e2e/golden/<survey>.yaml`` (inputs, replies and stored answers).

After a deliberate change to a survey, the engine or the wording, rewrite the files with
``pytest tests/test_golden.py --update-golden`` and read the diff before committing it.

No clock here: the engine never reads the time (it takes no ``now``), so a transcript cannot
depend on when it runs. If it ever does, pass a fixed ``now`` from this module.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.telegram.render import question_buttons, question_text
from flows.engine import (
    Ask,
    Confirm,
    Effect,
    Event,
    Finish,
    Press,
    Resume,
    Say,
    State,
    Text,
    Toast,
    Unreadable,
    advance,
    start,
)
from flows.messages import say
from flows.survey import Survey, load_surveys

GOLDEN = Path(__file__).parent / "golden"
SURVEYS = load_surveys()

# The scripts, in a small chat language (each line is one thing the young person does):
#   tap: LABEL              press a button on the question showing now
#   tap old QUESTION: LABEL press a button left on an earlier question's message
#   type: WORDS             send text; "type: <N characters>" sends an over-long text
#   sticker                 send something that is not text (sticker, photo, voice note)
#   /checkin                ask to carry on where they were
PATHS: dict[str, dict[str, list[str]]] = {
    "weekly": {
        # Not safe at home, so "What would help you feel safer?" is asked; bad input on the way.
        "not_safe_at_home": [
            "tap: 🙁 Not great",
            "sticker",
            "type: maybe",
            "tap: No",
            "type: <501 characters>",
            "type:    ",
            "type: A lock on my bedroom door, and staff who knock first.",
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
        # Skips and prefer-not-to-say: "safer" is never asked and the count drops to 6.
        "skips_and_prefer_not": [
            "tap: Skip",
            "tap: Prefer not to say",
            "tap: Prefer not to say",
            "tap: Yes",
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
    "# Written by `pytest tests/test_golden.py --update-golden` from the scripts in that file.\n"
    "# Each step: what the young person did (you) and every message or change the bot made.\n"
)
LONG_TEXT = re.compile(r"<(\d+) characters>")
Keyboard = dict[str, str]  # button label -> value


def _keyboard(ask: Ask) -> Keyboard:
    """The buttons under a question, as the bot would draw them."""
    rows = question_buttons(ask, CHECKIN_ID)
    return {b["text"]: b["data"].split(":", 3)[3] for row in rows for b in row}


def _button_lines(ask: Ask) -> str:
    return "\n".join(
        " ".join(f"[{b['text']}]" for b in row) for row in question_buttons(ask, CHECKIN_ID)
    )


def _show(effect: Effect) -> str:
    """One effect as the plain text a person in the chat would see."""
    if isinstance(effect, Say):
        return say(effect.key, **effect.params)
    if isinstance(effect, Ask) and effect.refresh:
        return "(the buttons change)\n" + _button_lines(effect)
    if isinstance(effect, Ask):
        return f"{question_text(effect)}\n{_button_lines(effect)}"
    if isinstance(effect, Confirm):
        return "(under the question) " + say("your_answer", label=effect.label)
    if isinstance(effect, Toast):
        return "(pop-up) " + say(effect.key)
    return "(the answers below are stored, anonymously)"


def _event(line: str, state: State, shown: Mapping[str, Keyboard]) -> Event:
    """Turn one script line into the event the bot would hand the engine."""
    verb, _, rest = line.partition(": ")
    if line == "sticker":
        return Unreadable()
    if line == "/checkin":
        return Resume()
    if verb == "type":
        long = LONG_TEXT.fullmatch(rest)
        return Text(("It is a lot. " * 200)[: int(long[1])] if long else rest)
    if verb == "tap" or verb.startswith("tap old "):
        question_id = verb.removeprefix("tap old ") if verb != "tap" else state.current
        buttons = shown.get(question_id or "", {})
        if rest not in buttons:
            raise ValueError(f"{line!r}: no such button; showing {list(buttons)}")
        return Press(question_id or "", buttons[rest])
    raise ValueError(f"{line!r}: not a script line (see PATHS)")


def transcript(survey: Survey, script: list[str]) -> dict[str, Any]:
    """Run a script through the engine: each input with the bot's replies, then what is stored."""
    shown: dict[str, Keyboard] = {}  # the latest buttons on each question's message
    stored: dict[str, Any] | None = None

    def replies(effects: list[Effect]) -> list[str]:
        nonlocal stored
        for effect in effects:
            if isinstance(effect, Ask):
                shown[effect.question.id] = _keyboard(effect)
            if isinstance(effect, Finish):
                stored = dict(effect.answers)
        return [_show(e) for e in effects]

    state, effects = start(survey)
    steps: list[dict[str, Any]] = [{"you": "(taps Start)", "bot": replies(effects)}]
    for line in script:
        state, effects = advance(survey, state, _event(line, state, shown))
        steps.append({"you": line, "bot": replies(effects)})
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
            f"{path.name} is missing; run pytest tests/test_golden.py --update-golden",
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
            "pytest tests/test_golden.py --update-golden and review the new file.\n"
            + "\n".join(diff),
            pytrace=False,
        )
