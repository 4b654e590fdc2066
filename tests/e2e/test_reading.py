"""End to end: Welsh and easy-read. A whole weekly check-in for someone whose Telegram is in
Welsh, and for someone who turned easy-read on; /language and /easyread switching, including a
message queued before the switch (rendered in the new words when it is sent)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.actions.notices import invitation
from bot.emulator import SimUser
from bot.emulator.messages import BotMessage
from flows.messages import ENGLISH, say
from flows.survey import load_surveys
from flows.texts import in_parts
from storage.base import OutgoingMessage
from tests.conftest import Harness

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(40), pytest.mark.both_databases]

WEEKLY = load_surveys()["weekly"]


def english_words() -> set[str]:
    """Every piece of the standard English a young person could see: survey words and the
    fixed parts of every message (longer than a few letters, so 'OK' and emoji do not count)."""
    pieces = {WEEKLY.title, WEEKLY.intro, WEEKLY.thanks}
    for question in WEEKLY.questions:
        pieces.add(question.text)
        pieces.update(o.label for o in question.options or [])
        pieces.update(p.label for p in question.scale or [])
    for template in ENGLISH.values():
        pieces.update(part for part in template.replace("}", "{").split("{")[::2])
    return {piece.strip() for piece in pieces if len(piece.strip()) > 3}


def english_in(message: BotMessage) -> list[str]:
    """The standard English pieces found in a message or its buttons."""
    shown = [message.text or "", *message.button_texts]
    return sorted(piece for piece in english_words() for text in shown if piece in text)


def parts(key: str, lang: str, **params: Any) -> list[str]:
    """The messages a catalogue message goes out as for ``lang`` (several in easy read)."""
    return [part for part, _ in in_parts(say(key, lang, **params), None, lang, None)]


async def answer_weekly(
    person: SimUser, taps: list[str], tick: str, done: str, thanks: int = 1
) -> None:
    """Answer the weekly check-in from its first question: ``taps`` for mood, safe, money and
    someone, ``tick`` and ``done`` for the multi question, then a typed last answer (the
    thanks in ``thanks`` messages)."""
    for label in taps:
        await person.tap(label)
        await person.replies(2)  # the answered question edited, then the next one
    await person.tap(tick)
    await person.next_reply()  # the tick
    await person.tap(done)
    await person.replies(2)
    await person.send("Dim byd arall")
    await person.replies(1 + thanks)  # the question's Skip taken off, then the thanks


async def test_a_welsh_speaker_gets_the_whole_check_in_in_welsh(yv: Harness) -> None:
    """Telegram says the app is in Welsh ('cy'): the welcome, joining, the invitation, the
    intro, every question, every button, every tick and the thanks are Welsh, and no piece
    of the English wording reaches them."""
    cai = yv.emu.user("Cai", language_code="cy")
    await cai.send("/start")
    welcome = await cai.next_reply()
    assert welcome.text == say("welcome", "cy")
    assert welcome.button_texts == [
        "Ydw, dw i eisiau ymuno",
        "Dim diolch",
        "🔒 Cadw pethau'n breifat",
    ]
    await cai.tap("🔒 Cadw pethau'n breifat")
    *_, details = await cai.replies(2)  # the welcome's buttons go, then the details
    assert details.text == say("privacy", "cy")
    assert details.text.startswith("🔒 Dy breifatrwydd\n\n")
    await cai.tap("Ydw, dw i eisiau ymuno")
    await cai.replies(2)
    contact = await yv.store.contact(cai.id)
    assert contact is not None and contact.language == "cy"

    await yv.open_checkin("weekly")
    invite = await cai.next_reply()
    assert invite.text == say("invitation", "cy", title="Sut mae pethau?")
    await cai.tap("Dechrau")
    intro, first = await cai.replies(2)
    assert intro.text.startswith("Sut mae pethau?\n\nHelo! Mae hyn yn cymryd tua 2 funud.")
    assert first.text == "1 o 6\n\nSut wyt ti'n teimlo'r wythnos yma?"
    assert first.button_texts == [
        "😞 Gwael iawn",
        "🙁 Ddim yn wych",
        "😐 Iawn",
        "🙂 Da",
        "😄 Da iawn",
        "Hepgor",
    ]
    await answer_weekly(
        cai, ["🙂 Da", "Ie", "Mae arian yn brin", "Na"], "Help gyda lle i fyw", "Wedi gorffen ✔"
    )
    messages = cai.messages()
    assert messages[-1].text.startswith("Diolch. Rydyn ni'n darllen pob ateb.")
    assert "✔ 🙂 Da" in cai.transcript()
    assert {m.message_id: english_in(m) for m in messages if english_in(m)} == {}


async def test_an_easy_read_person_gets_easy_read_words_where_they_differ(yv: Harness) -> None:
    """/easyread on: the intro, questions and options use the survey's easy-read words,
    messages use the easy-read catalogue, and what has no easy-read wording stays standard.
    Each idea is a message of its own (a paragraph), buttons on the last."""
    sam = await yv.joined("Sam")
    await sam.send("/easyread")
    said = await sam.replies(3)
    assert [m.text for m in said] == parts("easy_read_on", "en@easyread")
    assert said[0].text == "Easy read is on ✅"
    await yv.open_checkin("weekly")
    invite = await sam.replies(3)
    assert [m.text for m in invite] == parts("invitation", "en@easyread", title="How are things?")
    assert [m.text for m in invite] == [
        "Hi 👋 I have some new questions for you: How are things?\nIt only takes a few minutes.",
        "Nobody will know which answers are yours.",
        "Tap Start when you are ready.",
    ]
    assert [m.button_texts for m in invite] == [[], [], ["Start"]]
    await sam.tap("Start")
    *intro, first = await sam.replies(4)
    assert [m.text for m in intro] == [
        "How are things?",
        "Hi!\nThis takes about 2 minutes.",
        "We will not know which answers are yours.\nYou do not have to answer every question.",
    ]
    assert first.text == "1 of 6\n\nHow do you feel this week?"
    assert first.button_texts == [
        "😞 Very bad",
        "🙁 Not good",
        "😐 OK",  # no easy-read label: the standard one
        "🙂 Good",
        "😄 Very good",
        "Skip",
    ]
    await sam.tap("🙂 Good")
    confirmed, safe = await sam.replies(2)
    assert confirmed.text.endswith("\n\n✔ Your answer: 🙂 Good")
    assert safe.text == "2 of 6\n\nDo you feel safe at home?"
    assert safe.button_texts == ["Yes", "No", "I don't want to say"]
    await answer_weekly(sam, ["Yes", "OK", "Yes"], "Help with money", "Done ✔", thanks=2)
    assert [m.text for m in sam.messages()[-2:]] == [
        "Thank you.\nWe read every answer.",
        "We will tell you what changes.",
    ]


async def test_switching_language_and_easy_read_applies_to_a_message_already_queued(
    yv: Harness,
) -> None:
    """/language and /easyread are kept on the contact; a message queued before the switch
    is rendered in the new words when it is sent (outbox rows hold keys, not text)."""
    sam = await yv.joined("Sam")
    due = yv.clock() + 60
    await yv.store.enqueue([OutgoingMessage(sam.id, invitation(1, WEEKLY.wording("title")), due)])

    await sam.send("/language")
    ask = await sam.next_reply()
    assert ask.text == "Which language would you like?\nPa iaith hoffet ti?"
    assert ask.button_texts == ["English", "Cymraeg"]
    await sam.tap("Cymraeg")
    [chosen] = await sam.replies(1)
    assert chosen.edited and chosen.text == say("language_set", "cy") and chosen.buttons == []
    await sam.send("/easyread")
    said = await sam.replies(len(parts("easy_read_on", "cy@easyread")))
    assert said[0].text.startswith("Iawn ✅ Bydda i'n ysgrifennu mewn ffordd hawdd ei deall.")
    contact = await yv.store.contact(sam.id)
    assert contact is not None and (contact.language, contact.easy_read) == ("cy", True)

    yv.clock.advance(61)
    queued = await sam.replies(3)
    welsh = parts("invitation", "cy@easyread", title="Sut mae pethau?")
    assert [m.text for m in queued] == welsh
    assert welsh[0].startswith("Helo 👋 Mae gen i gwestiynau newydd i ti: Sut mae pethau?")
    assert [m.button_texts for m in queued] == [[], [], ["Dechrau"]]

    await sam.send("/easyread")
    assert (await sam.next_reply()).text == say("easy_read_off", "cy")
    await sam.send("/language")
    await sam.next_reply()
    await sam.tap("English")
    [back] = await sam.replies(1)
    assert back.text == say("language_set", "en")
    await sam.send("/help")
    _support, listed = await sam.replies(2)  # the support contacts first, then the commands
    assert listed.text == say("help", "en")


async def test_language_and_easy_read_before_joining_point_to_start(yv: Harness) -> None:
    """Someone who has not joined has nothing to keep a choice on: both commands say how to
    join, and nothing is stored."""
    ash = yv.emu.user("Ash")
    for command in ("/language", "/easyread"):
        await ash.send(command)
        assert (await ash.next_reply()).text == say("start_first", "en")
    assert await yv.store.contact(ash.id) is None


async def test_the_welcome_follows_the_telegram_app_language_only_for_someone_new(
    yv: Harness,
) -> None:
    """Telegram's language_code picks the first language; after that, only /language changes
    it (a Welsh-speaking contact who chose English stays English)."""
    eli = yv.emu.user("Eli", language_code="en-GB")
    await eli.send("/start")
    assert "Do you want to join?" in (await eli.next_reply()).text
    cai = yv.emu.user("Cai", language_code="cy")
    await cai.send("/start")
    await cai.next_reply()
    await cai.tap("Ydw, dw i eisiau ymuno")
    await cai.replies(2)
    await cai.send("/language")
    await cai.next_reply()
    await cai.tap("English")
    await cai.replies(1)
    await cai.send("/start")
    assert (await cai.next_reply()).text == say("already_joined", "en")


async def test_the_command_menu_is_in_welsh_for_a_welsh_app(yv: Harness) -> None:
    """The bot sets a second command menu for apps in Welsh (setMyCommands' language_code):
    the same commands in the same order, each described in Welsh."""

    def menu(language: str) -> dict[str, str]:
        key = json.dumps([{"type": "default"}, language], sort_keys=True)
        return {c["command"]: c["description"] for c in yv.emu.world.commands[key]}

    english, welsh = menu(""), menu("cy")
    assert list(welsh) == list(english)
    assert (english["language"], welsh["language"]) == ("English or Cymraeg", "Cymraeg neu English")
    assert [name for name in welsh if welsh[name] == english[name]] == []
