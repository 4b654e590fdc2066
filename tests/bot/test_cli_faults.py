"""``--fault KIND:METHODS:SECONDS[:VALUE]`` on ``youthvoice emulator`` and ``youthvoice demo``:
what each spelling switches on, and one plain error line for each mistake."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.cli.faults import FaultSpec, parse_fault
from bot.emulator import Emulator, Fault


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("drop_after:sendMessage:15", FaultSpec(Fault("drop_after"), ("sendMessage",), 15.0)),
        ("error:*:2.5", FaultSpec(Fault("error"), ("*",), 2.5)),
        (
            "error:sendMessage,editMessageText:10:502",
            FaultSpec(Fault("error", status=502), ("sendMessage", "editMessageText"), 10.0),
        ),
        ("slow:getUpdates:20", FaultSpec(Fault("slow", delay=6.0), ("getUpdates",), 20.0)),
        (
            " slow : sendMessage : 20 : 1.5 ",
            FaultSpec(Fault("slow", delay=1.5), ("sendMessage",), 20),
        ),
        ("drop:answerCallbackQuery:5", FaultSpec(Fault("drop"), ("answerCallbackQuery",), 5.0)),
    ],
)
def test_a_fault_spelling_means(text: str, meant: FaultSpec) -> None:
    """KIND, then methods joined by commas (or *), then seconds; VALUE is an error's status
    or how late a slow answer comes (6 s by default: past python-telegram-bot's 5 s)."""
    assert parse_fault(text) == meant


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("nope", "write KIND:METHODS:SECONDS, for example drop_after:sendMessage:15"),
        ("a:b:c:d:e", "write KIND:METHODS:SECONDS"),
        (
            "explode:sendMessage:5",
            "no fault 'explode'; choose one of error, drop, drop_after, slow",
        ),
        ("error:sendMesage:5", "no Bot API method 'sendMesage' (did you mean sendMessage?)"),
        ("error::5", "name at least one Bot API method"),
        ("error:*:soon", "SECONDS must be a number more than 0, not 'soon'"),
        ("error:*:0", "SECONDS must be a number more than 0, not '0'"),
        ("error:*:inf", "SECONDS must be a number more than 0, not 'inf'"),
        ("error:*:5:teapot", "VALUE must be an HTTP status such as 502, not 'teapot'"),
        ("error:*:5:200", "an error fault answers 400 to 599, not 200"),
        ("slow:*:5:0", "a slow fault needs a delay of more than 0 seconds"),
        ("drop:sendMessage:5:3", "drop takes no VALUE; write drop:sendMessage:5"),
    ],
)
def test_a_fault_that_cannot_be_read_says_why(text: str, words: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_fault(text)
    assert words in str(caught.value)


def test_a_fault_spec_switches_a_window_on_and_reads_as_words() -> None:
    """What the command prints is what the emulator was told."""
    emu = Emulator()
    spec = parse_fault("error:sendMessage,editMessageText:10:503")
    window = spec.switch_on(emu)
    assert (window.fault, window.methods) == (spec.fault, {"sendmessage", "editmessagetext"})
    assert window.until - window.start == 10
    assert str(spec) == ("sendMessage, editMessageText: answers HTTP 503 and does nothing, for 10s")
    assert (
        str(parse_fault("slow:*:30:7"))
        == "every call: does the work, then answers 7s late, for 30s"
    )


@pytest.mark.parametrize("command", ["demo", "emulator"])
def test_a_bad_fault_option_is_one_error_line_before_anything_starts(command: str) -> None:
    """Exit code 2 (click's usage error), and the only error line names the option, the value
    and the mistake."""
    result = CliRunner().invoke(main, [command, "--fault", "drop_after:sendMesage:15"])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert errors == [
        "Error: Invalid value for '--fault': 'drop_after:sendMesage:15': the emulator has no "
        "Bot API method 'sendMesage' (did you mean sendMessage?)"
    ]
    assert "Traceback" not in result.output


def test_the_demo_lists_the_malformed_kinds_it_knows() -> None:
    result = CliRunner().invoke(main, ["demo", "--malformed", "garbage"])
    assert result.exit_code == 2
    assert "'garbage' is not one of 'message_string', 'chat_member_missing_fields'" in (
        result.output
    )
