"""The Bot API emulator, driven through python-telegram-bot's real HTTP stack."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.emulator import Button, Emulator, RateLimits
from bot.emulator.limits import RateLimiter

TOKEN = "123456:TEST-token"
pytestmark = pytest.mark.timeout(15)


def seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else value


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label.lower()) for label in labels]]
    )


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(TOKEN) as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emu.base_url) as client:
        yield client


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    """getMe answers with the configured bot, parsed by python-telegram-bot."""
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "youthvoice_bot", True)


async def test_wrong_token_is_unauthorized(emu: Emulator) -> None:
    """A token other than the emulator's gets 401, which PTB reports as InvalidToken."""
    stranger = Bot("999:other", base_url=emu.base_url)
    with pytest.raises(InvalidToken):
        await stranger.initialize()
    await stranger.shutdown()


async def test_user_text_arrives_with_bot_command_entity(emu: Emulator, bot: Bot) -> None:
    """A deep-link /start arrives as a message with a bot_command entity over the command."""
    sam = emu.user("Sam")
    await sam.send("/start ABC123")
    (update,) = await bot.get_updates(timeout=1)
    message = update.message
    assert message is not None and message.from_user is not None
    assert message.text == "/start ABC123"
    assert message.from_user.id == sam.id == message.chat.id
    assert message.parse_entities() == {message.entities[0]: "/start"}
    assert message.entities[0].type == "bot_command"


async def test_inline_keyboard_shows_in_messages(emu: Emulator, bot: Bot) -> None:
    """A sent keyboard is visible to the user as rows of (text, data), link buttons too."""
    sam = emu.user("Sam")
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Yes", callback_data="a:yes")],
            [InlineKeyboardButton("Help", url="https://example.org/help")],
        ]
    )
    sent = await bot.send_message(sam.id, "Join?", reply_markup=markup)
    assert sent.reply_markup == markup
    (shown,) = sam.messages()
    assert shown.text == "Join?"
    assert shown.buttons == [[("Yes", "a:yes")], [Button("Help", "https://example.org/help")]]


async def test_html_becomes_plain_text_and_bad_html_is_refused(emu: Emulator, bot: Bot) -> None:
    """parse_mode=HTML is stripped to text plus entities; unknown tags get 400."""
    sam = emu.user("Sam")
    sent = await bot.send_message(sam.id, "<b>Hi</b> &amp; welcome", parse_mode="HTML")
    assert sent.text == "Hi & welcome"
    assert sent.entities[0].type == "bold"
    with pytest.raises(BadRequest, match=r"(?i)Unsupported start tag"):
        await bot.send_message(sam.id, "<blink>Hi</blink>", parse_mode="HTML")


async def test_chat_with_application_reads_like_a_chat(emu: Emulator) -> None:
    """A polling Application answers /start, the user taps, and sees the edit and the toast."""

    async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text("Welcome! Join us?", reply_markup=keyboard("Join"))

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.chat_instance
        await query.answer(f"You chose {query.data}")
        await query.edit_message_text("Thanks for joining")

    app = Application.builder().token(TOKEN).base_url(emu.base_url).build()
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CallbackQueryHandler(on_button))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        sam = emu.user("Sam")
        await sam.send("/start")
        reply = await sam.next_reply()
        assert "Welcome" in reply.text and reply.button_texts == ["Join"]
        await sam.tap("Join")
        edit = await sam.next_reply()
        assert edit.edited and edit.text == "Thanks for joining" and edit.buttons == []
        assert edit.message_id == reply.message_id
        assert sam.toasts() == ["You chose join"]
        assert [m.text for m in sam.messages()] == ["Thanks for joining"]
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def test_edit_rules_match_telegram(emu: Emulator, bot: Bot) -> None:
    """An edit changing nothing, or of a missing message, is a BadRequest."""
    sam = emu.user("Sam")
    sent = await bot.send_message(sam.id, "Pick one", reply_markup=keyboard("A", "B"))
    await bot.edit_message_text("Pick one", sam.id, sent.message_id, reply_markup=keyboard("A"))
    assert sam.messages()[0].button_texts == ["A"]
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Pick one", sam.id, sent.message_id, reply_markup=keyboard("A"))
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("Gone", sam.id, 999)
    await bot.edit_message_reply_markup(sam.id, sent.message_id, reply_markup=None)
    assert sam.messages()[0].buttons == []
    assert emu.stats.edits == 2


async def test_send_document_records_name_size_and_type(emu: Emulator, bot: Bot) -> None:
    """An uploaded document keeps its filename, size and MIME type."""
    sam = emu.user("Sam")
    sent = await bot.send_document(sam.id, b"id,answer\n1,yes\n", filename="answers.csv")
    assert sent.document is not None and sent.document.file_name == "answers.csv"
    (shown,) = sam.messages()
    assert shown.document is not None
    assert (shown.document.filename, shown.document.size) == ("answers.csv", 16)
    assert shown.document.mime_type == "text/csv"
    photo = await bot.send_photo(sam.id, b"\xff\xd8fakejpeg", caption="Our poster")
    assert photo.caption == "Our poster" and photo.photo
    assert sam.messages()[-1].photo is not None


async def test_sent_files_can_be_fetched_back_through_get_file(emu: Emulator) -> None:
    """Uploaded bytes are kept: getFile names a path, the file server returns the same bytes,
    and a PNG photo reports its real size in pixels."""
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
        + (1200).to_bytes(4, "big")
        + (300).to_bytes(4, "big")
        + b"\x08\x06\x00\x00\x00rest-of-the-image"
    )
    async with Bot(TOKEN, base_url=emu.base_url, base_file_url=f"{emu.url}/file/bot") as bot:
        sam = emu.user("Sam")
        photo = await bot.send_photo(sam.id, png, filename="chart.png")
        assert (photo.photo[-1].width, photo.photo[-1].height) == (1200, 300)
        document = await bot.send_document(sam.id, b"a,b\n1,2\n", filename="results.csv")
        assert document.document is not None
        fetched = await bot.get_file(document.document.file_id)
        assert fetched.file_path is not None and fetched.file_path.endswith(".csv")
        assert bytes(await fetched.download_as_bytearray()) == b"a,b\n1,2\n"
        shown = sam.messages()[0].photo
        assert shown is not None and emu.file_bytes(shown.file_id) == png
        with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
            await bot.get_file("EMUDOC999999")


async def test_over_thirty_sends_a_second_get_retry_after(bot: Bot, emu: Emulator) -> None:
    """Past 30 quick sends (to distinct chats) come 429s, and refused messages are lost."""
    people = [emu.user(f"P{n}") for n in range(60)]
    started = time.monotonic()
    results = await asyncio.gather(
        *(bot.send_message(person.id, "Hello") for person in people), return_exceptions=True
    )
    refill = 30 * (time.monotonic() - started)
    refused = [r for r in results if isinstance(r, RetryAfter)]
    assert refused and all(seconds(r.retry_after) >= 1 for r in refused)
    assert len(results) - len(refused) == emu.stats.delivered <= 30 + refill
    assert sum(len(person.messages()) for person in people) == emu.stats.delivered
    assert emu.stats.too_many_requests == len(refused)


async def test_per_chat_limit_and_switching_limits_off(bot: Bot, emu: Emulator) -> None:
    """A chat takes a burst of 3, then about 1 a second; limits can be switched off."""
    sam = emu.user("Sam")
    for _ in range(3):
        await bot.send_message(sam.id, "ok")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(sam.id, "one too many")
    assert seconds(caught.value.retry_after) == 1
    assert len(sam.messages()) == 3
    emu.rate_limits = False
    for _ in range(10):
        await bot.send_message(sam.id, "unlimited")
    assert len(sam.messages()) == 13


def test_token_bucket_refills_at_its_rate() -> None:
    """With a fake clock: capacity 3, then one more per second; retry_after rounds up."""
    now = [0.0]
    limiter = RateLimiter(RateLimits(chat_capacity=3, chat_per_second=0.5), clock=lambda: now[0])
    assert [limiter.acquire(1, False) for _ in range(4)] == [0, 0, 0, 2]
    now[0] = 1.0
    assert limiter.acquire(1, False) == 1
    now[0] = 2.0
    assert limiter.acquire(1, False) == 0
    assert limiter.acquire(2, False) == 0


async def test_blocked_and_deactivated_people_are_forbidden(bot: Bot, emu: Emulator) -> None:
    """Sends to someone who blocked the bot, left Telegram or never started it get 403."""
    sam, alex, kim = emu.user("Sam"), emu.user("Alex"), emu.user("Kim", started=False)
    sam.block()
    alex.deactivate()
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(sam.id, "Hi")
    with pytest.raises(Forbidden, match=r"(?i)user is deactivated"):
        await bot.send_message(alex.id, "Hi")
    with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
        await bot.send_message(kim.id, "Hi")
    await kim.send("/start")
    await bot.send_message(kim.id, "Hi Kim")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "Hi")


async def test_invalid_messages_are_bad_requests(bot: Bot, emu: Emulator) -> None:
    """Too long, empty, or with over-long button data: 400 with Telegram's words."""
    sam = emu.user("Sam")
    await bot.send_message(sam.id, "x" * 4096)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(sam.id, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(sam.id, "  ")
    long_data = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(sam.id, "Pick", reply_markup=long_data)
    assert len(sam.messages()) == 1


async def test_injected_faults_surface_as_network_errors(bot: Bot, emu: Emulator) -> None:
    """500s and dropped connections deliver nothing; a drop after delivery does deliver."""
    sam = emu.user("Sam")
    emu.rate_limits = False
    emu.fail_next("sendMessage", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(sam.id, "lost")
    emu.fail_next("sendMessage", drop=True)
    with pytest.raises(NetworkError):
        await bot.send_message(sam.id, "lost")
    assert sam.messages() == []
    emu.fail_next("sendMessage", after_delivery=True)
    with pytest.raises(NetworkError):
        await bot.send_message(sam.id, "delivered, but the bot cannot know")
    await bot.send_message(sam.id, "fine again")
    assert [m.text for m in sam.messages()] == ["delivered, but the bot cannot know", "fine again"]


async def test_repeated_update_keeps_its_id(bot: Bot, emu: Emulator) -> None:
    """repeat_update delivers the same update again, even after it was confirmed."""
    sam = emu.user("Sam")
    await sam.send("yes")
    (first,) = await bot.get_updates(timeout=1)
    emu.repeat_update(first.update_id)
    (again,) = await bot.get_updates(offset=first.update_id + 1, timeout=1)
    assert again == first and again.message is not None and again.message.text == "yes"
    assert await bot.get_updates(offset=first.update_id + 1) == ()


async def test_get_updates_offset_confirms_and_limit_batches(bot: Bot, emu: Emulator) -> None:
    """Unconfirmed updates come back; an offset forgets the older ones; limit caps a batch."""
    sam = emu.user("Sam")
    for text in ("one", "two", "three"):
        await sam.send(text)
    assert len(await bot.get_updates(limit=2)) == 2
    batch = await bot.get_updates()
    assert [u.message.text for u in batch if u.message] == ["one", "two", "three"]
    rest = await bot.get_updates(offset=batch[1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert await bot.get_updates(offset=batch[2].update_id + 1) == ()


async def test_long_poll_returns_as_soon_as_an_update_arrives(bot: Bot, emu: Emulator) -> None:
    """A getUpdates waiting with timeout=30 answers when a message comes in, not at the end."""
    sam = emu.user("Sam")
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await sam.send("hello")
    (update,) = await poll
    assert update.message is not None and update.message.text == "hello"
    assert time.monotonic() - started < 15  # far under the 30 s it would otherwise wait


async def test_a_second_poller_ends_the_waiting_one_with_409(bot: Bot, emu: Emulator) -> None:
    """Two programs polling one token, as on Telegram: the getUpdates waiting is ended with
    409 Conflict when another comes in, and the newer one gets the update."""
    sam = emu.user("Sam")
    first = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await asyncio.sleep(0.1)
    async with Bot(TOKEN, base_url=emu.base_url) as other:
        second = asyncio.create_task(other.get_updates(timeout=30, read_timeout=40))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 10)
        await sam.send("hello")
        (update,) = await asyncio.wait_for(second, 10)
    assert update.message is not None and update.message.text == "hello"


async def test_user_media_edits_and_groups_parse_in_ptb(bot: Bot, emu: Emulator) -> None:
    """Stickers, photos, voice notes, edited messages and group messages are valid updates."""
    sam = emu.user("Sam")
    forum = emu.group("Forum")
    sent = await sam.send("hello")
    await sam.send_sticker()
    await sam.send_photo()
    await sam.send_voice()
    await sam.edit(sent["message_id"], "hello again")
    await sam.send_in_group(forum, "/start@youthvoice_bot")
    updates = await bot.get_updates()
    media = [u.message.effective_attachment for u in updates[1:4] if u.message]
    assert [type(item).__name__ for item in media] == ["Sticker", "tuple", "Voice"]
    edited = updates[4].edited_message
    assert edited is not None and edited.text == "hello again" and edited.edit_date
    group_message = updates[5].message
    assert group_message is not None and group_message.chat.type == "supergroup"
    assert group_message.entities[0].length == len("/start@youthvoice_bot")
    await bot.send_message(forum.chat_id, "Hi all")
    assert (await forum.next_reply()).text == "Hi all"


async def test_tap_data_and_callback_answers(bot: Bot, emu: Emulator) -> None:
    """Forged data reaches the bot; an unknown or repeated answer is 'query is too old'."""
    sam = emu.user("Sam")
    sent = await bot.send_message(sam.id, "Pick", reply_markup=keyboard("A"))
    query_id = await sam.tap_data("forged:1", message_id=sent.message_id)
    (update,) = await bot.get_updates()
    assert update.callback_query is not None and update.callback_query.data == "forged:1"
    await bot.answer_callback_query(query_id, "Nope", show_alert=True)
    assert sam.toasts() == ["Nope"] and sam.alerts() == ["Nope"]
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    await sam.tap_data("stale", message_id=77)
    (_, stale) = await bot.get_updates()
    assert stale.callback_query is not None
    assert stale.callback_query.message is not None
    assert not stale.callback_query.message.is_accessible


async def test_waiting_helpers_explain_what_they_saw(bot: Bot, emu: Emulator) -> None:
    """Timeouts and missing buttons fail with the conversation and the visible buttons."""
    sam = emu.user("Sam")
    await sam.send("/start")
    await bot.send_message(sam.id, "Welcome", reply_markup=keyboard("Join"))
    with pytest.raises(AssertionError, match=r"(?s)buttons visible.*\['Join'\]"):
        await sam.tap("Leave", timeout=0.05)
    assert (await sam.next_reply()).text == "Welcome"
    with pytest.raises(AssertionError, match=r"(?s)Sam: /start.*bot #2: Welcome \[Join\]"):
        await sam.next_reply(timeout=0.05)
    await sam.assert_no_reply(within=0.05)
    await bot.send_message(sam.id, "More")
    assert [m.text for m in await sam.wait_for(2)] == ["Welcome", "More"]


async def test_unknown_method_and_error_shape(emu: Emulator) -> None:
    """Errors carry ok=false, error_code and description; 429 carries retry_after."""
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{emu.base_url}{TOKEN}/noSuchMethod") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        sam = emu.user("Sam")
        bodies = []
        for _ in range(4):
            async with http.post(
                f"{emu.base_url}{TOKEN}/sendMessage", json={"chat_id": sam.id, "text": "hi"}
            ) as response:
                bodies.append((response.status, await response.json()))
    assert bodies[0][0] == 200 and bodies[0][1]["result"]["text"] == "hi"
    assert bodies[3] == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        },
    )


async def test_control_api_drives_a_user(emu: Emulator, bot: Bot) -> None:
    """Another process can add a user, send, read the bot's messages and tap."""
    async with aiohttp.ClientSession(base_url=emu.url) as http:
        async with http.post("/_emulator/users", json={"name": "Remote"}) as response:
            user_id = (await response.json())["result"]["user_id"]
        async with http.post("/_emulator/send", json={"user_id": user_id, "text": "/start"}):
            pass
        await bot.send_message(user_id, "Welcome", reply_markup=keyboard("Join"))
        async with http.get("/_emulator/messages", params={"chat_id": user_id}) as response:
            (shown,) = (await response.json())["result"]
        async with http.post("/_emulator/tap", json={"user_id": user_id, "text": "Join"}) as tap:
            assert tap.status == 200
    assert shown["text"] == "Welcome" and shown["buttons"] == [[["Join", "join"]]]
    updates = await bot.get_updates()
    assert updates[-1].callback_query is not None
    assert updates[-1].callback_query.data == "join"


async def test_control_api_user_carries_their_app_language(emu: Emulator, bot: Bot) -> None:
    """A user added with a language_code (what `youthvoice chat --language cy` asks for)
    sends it with each update, as Telegram does; the default is English."""
    async with aiohttp.ClientSession(base_url=emu.url) as http:
        for body in ({"name": "Cai", "language_code": "cy"}, {"name": "Sam"}):
            async with http.post("/_emulator/users", json=body) as response:
                user_id = (await response.json())["result"]["user_id"]
            async with http.post("/_emulator/send", json={"user_id": user_id, "text": "hi"}):
                pass
    updates = await bot.get_updates()
    senders = [u.effective_user for u in updates[-2:]]
    assert [s.language_code if s else None for s in senders] == ["cy", "en"]


async def test_control_events_long_poll_new_messages_and_edits(emu: Emulator, bot: Bot) -> None:
    """/_emulator/events returns what the bot did after a cursor, waiting for it if need be."""
    async with aiohttp.ClientSession(base_url=emu.url) as http:
        async with http.post("/_emulator/users", json={"name": "Remote"}) as response:
            user_id = (await response.json())["result"]["user_id"]

        async def events(after: int, wait: float) -> dict[str, Any]:
            params = {"chat_id": user_id, "after": after, "wait": wait}
            async with http.get("/_emulator/events", params=params) as response:
                assert response.status == 200
                result: dict[str, Any] = (await response.json())["result"]
                return result

        assert await events(0, 0) == {"events": [], "next": 0}
        waiting = asyncio.create_task(events(0, 5))
        await asyncio.sleep(0.1)
        assert not waiting.done()
        sent = await bot.send_message(user_id, "Welcome", reply_markup=keyboard("Join"))
        first = await asyncio.wait_for(waiting, 5)
        await bot.edit_message_text("Welcome back", chat_id=user_id, message_id=sent.message_id)
        later = await events(first["next"], 5)
        async with http.get("/_emulator/events", params={"chat_id": 999}) as missing:
            assert missing.status == 404
    assert [(e["event"], e["text"], e["buttons"]) for e in first["events"]] == [
        ("new", "Welcome", [[["Join", "join"]]])
    ]
    assert first["next"] == 1
    assert [(e["event"], e["text"]) for e in later["events"]] == [("edit", "Welcome back")]
    assert later["next"] == 2


async def test_stop_ends_long_polls_and_leaves_nothing_running() -> None:
    """Stopping answers a waiting getUpdates and leaves no server task behind."""
    before = asyncio.all_tasks()
    emulator = Emulator(TOKEN)
    await emulator.start()
    async with Bot(TOKEN, base_url=emulator.base_url) as client:
        poll = asyncio.create_task(client.get_updates(timeout=30, read_timeout=40))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await emulator.stop()
        assert await poll == ()
        assert time.monotonic() - started < 15  # far under the 30 s it would otherwise wait
    assert asyncio.all_tasks() - before == set()


async def test_command_menus_by_scope_as_a_telegram_app_finds_them(bot: Bot, emu: Emulator) -> None:
    """setMyCommands, getMyCommands and deleteMyCommands keep one menu per scope and
    language; a person's app shows their chat's menu, else all private chats', else the
    default; a chat scope for someone who never started the bot is "chat not found"."""
    sam, wren = emu.user("Sam"), emu.user("Wren", language_code="cy")
    stranger = emu.user("Kit", started=False)
    await bot.set_my_commands([("help", "Help")])
    await bot.set_my_commands(
        [("help", "Help"), ("plan", "Plan")], scope=BotCommandScopeChat(wren.id)
    )
    assert emu.menu(sam) == ["help"] and emu.menu(wren) == ["help", "plan"]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(wren.id))] == [
        "help",
        "plan",
    ]
    assert await bot.get_my_commands(scope=BotCommandScopeChat(sam.id)) == ()
    await bot.set_my_commands([("urgent", "Now")], scope=BotCommandScopeAllPrivateChats())
    assert emu.menu(sam) == ["urgent"]
    await bot.set_my_commands(
        [("cymorth", "Help")], scope=BotCommandScopeChat(wren.id), language_code="cy"
    )
    assert emu.menu(wren) == ["cymorth"]
    await bot.delete_my_commands(scope=BotCommandScopeChat(wren.id), language_code="cy")
    await bot.delete_my_commands(scope=BotCommandScopeChat(wren.id))
    assert emu.menu(wren) == ["urgent"]
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.set_my_commands([("help", "Help")], scope=BotCommandScopeChat(stranger.id))
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_my_commands(scope=BotCommandScopeChat(424242))
    with pytest.raises(BadRequest, match=r"(?i)BotCommandScope"):
        await bot.set_my_commands([("help", "Help")], api_kwargs={"scope": '{"type": "everyone"}'})
