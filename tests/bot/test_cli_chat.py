"""``youthvoice chat``'s own rules, without a bot: what a typed line means, which button a
number presses, and a plain message when the emulator is not there."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.cli.chat import Press, Quit, Say, Screen, parse_line


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("#1", Press(1)),
        ("  # 12 ", Press(12)),
        ("1", Say("1")),  # a young person's answer "1" stays an answer
        ("/start", Say("/start")),
        ("#one", Say("#one")),
        ("/quit", Quit()),
        ("/QUIT ", Quit()),
        ("   ", None),
    ],
)
def test_a_typed_line_means(typed: str, meant: object) -> None:
    """#N presses a button, /quit leaves, blank does nothing, everything else is sent as text."""
    assert parse_line(typed) == meant


def event(message_id: int, kind: str, text: str, *labels: str) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "event": kind,
        "text": text,
        "buttons": [[[label, f"data-{label}"]] for label in labels],
    }


def test_numbers_press_the_newest_message_showing_buttons(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Buttons are numbered from 1 on each message; an edit that closes them falls back to the
    newest other message with buttons, and is not shown again when its words did not change."""
    screen = Screen()
    screen.show(event(1, "new", "Join?", "Yes", "No"))
    screen.show(event(2, "new", "Pick some", "Tea", "Toast", "Done"))
    assert screen.button(3) == (2, "Done", "data-Done")
    assert screen.button(4) is None
    screen.show(event(2, "edit", "Pick some"))
    assert screen.button(1) == (1, "Yes", "data-Yes")
    screen.show(event(1, "delete", "Join?"))
    assert screen.button(1) is None
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        "Bot: Join?",
        "   #1  Yes",
        "   #2  No",
        "Bot: Pick some",
        "   #1  Tea",
        "   #2  Toast",
        "   #3  Done",
        "(The bot removed one of its messages.)",
    ]


def test_chat_without_an_emulator_says_how_to_start_one() -> None:
    """Nothing listening: one plain message naming the command to run, and exit code 1."""
    result = CliRunner().invoke(main, ["chat", "--url", "http://127.0.0.1:1"], input="/start\n")
    assert result.exit_code == 1
    assert "can't talk to the emulator at http://127.0.0.1:1" in result.output
    assert "youthvoice emulator" in result.output


@pytest.mark.parametrize(
    "url",
    ["notaurl", "127.0.0.1:8081", "ftp://127.0.0.1", "http://", "http://h:99999", "http://h/x"],
)
def test_a_url_that_is_not_the_emulators_address_is_one_line(url: str) -> None:
    """``--url notaurl`` says what the emulator's address looks like (exit 1), not aiohttp's
    "URL should be absolute" traceback, and talks to nothing."""
    result = CliRunner().invoke(main, ["chat", "--url", url], input="/start\n")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        f"youthvoice: --url: '{url}' is not a web address; give the one `youthvoice "
        "emulator` printed, such as http://127.0.0.1:8081\n"
    )


def test_a_trailing_slash_on_the_url_is_fine() -> None:
    """``http://127.0.0.1:1/`` is the same address as without the slash."""
    result = CliRunner().invoke(main, ["chat", "--url", "http://127.0.0.1:1/"], input="/start\n")
    assert result.exit_code == 1
    assert "can't talk to the emulator at http://127.0.0.1:1/" in result.output
