"""What ``youthvoice demo`` prints at the end: anonymous totals in the survey's own order, and
a closing line that only talks about problems when messages were really lost."""

from __future__ import annotations

import pytest

from bot.cli.demo import delivery_note, print_totals
from flows.survey import load_surveys
from storage.base import Totals


def test_totals_list_scale_and_choice_answers_in_the_surveys_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Scale answers run from 1 to 5 and choices as the survey lists them, not by count."""
    survey = load_surveys()["weekly"]
    counts = {
        "mood": {"4": 9, "~skip": 3, "1": 3, "5": 4, "2": 12},
        "money": {"struggling": 7, "ok": 3, "tight": 5},
    }
    print_totals(survey, Totals(checkin_id=1, responses=31, counts=counts))
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]

    def block(title: str) -> list[str]:
        start = lines.index(title) + 1
        end = lines.index("", start) if "" in lines[start:] else len(lines)
        return [" ".join(line.split()) for line in lines[start:end]]

    assert block("How are you feeling this week?") == [
        "😞 Really bad 3",
        "🙁 Not great 12",
        "🙂 Good 9",
        "😄 Really good 4",
        "Skipped 3",
    ]
    assert block("How is money for you right now?") == [
        "I'm OK 3",
        "It's tight 5",
        "I'm struggling 7",
    ]


def test_closing_line_says_every_message_arrived_without_alarming_numbers() -> None:
    """Telegram's slow-down replies are normal pacing: with nothing lost they go unmentioned."""
    note = delivery_note(12.34, lost=0, slow_downs=16)
    assert "Done in 12.3s" in note
    assert "Telegram's real limits" in note and "every message arrived" in note
    assert "429" not in note and "16" not in note and "rate-limit" not in note


def test_closing_line_names_lost_messages() -> None:
    """When messages were lost, the line says how many, and how often the bot was slowed."""
    note = delivery_note(20.0, lost=2, slow_downs=16)
    assert "2 messages could not be delivered" in note
    assert "slow down 16 times" in note
    assert "every message arrived" not in note
    assert "1 message could not" in delivery_note(20.0, lost=1, slow_downs=0)
