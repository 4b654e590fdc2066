"""The Bot API emulator's faults: failures in time windows of a fake clock, late answers to button
presses, malformed updates, and the control API that switches them on."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot, Update
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.emulator import MALFORMED_KINDS, Emulator
from tests.conftest import clock_start

TOKEN = "123456:TEST-token"
PARSE_ERRORS = (TypeError, KeyError, AttributeError, ValueError)
pytestmark = pytest.mark.timeout(15)


class FrozenClock:
    """A clock that stands still until the test moves it."""

    def __init__(self) -> None:
        self.now = clock_start()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
async def emu(clock: FrozenClock) -> AsyncIterator[Emulator]:
    async with Emulator(TOKEN, rate_limits=False, clock=clock) as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emu.base_url) as client:
        yield client


async def sends(bot: Bot, chat_id: int, text: str) -> bool:
    """Whether a sendMessage answered without a network error."""
    try:
        await bot.send_message(chat_id, text)
    except NetworkError:
        return False
    return True


async def test_an_error_fault_answers_its_status_only_inside_its_window(
    emu: Emulator, bot: Bot, clock: FrozenClock
) -> None:
    """A window starting in 10 s and lasting 5 s: sends fail with 502 and deliver nothing from
    its first second to just before its end, and only for the methods named."""
    sam = emu.user("Sam")
    window = emu.fault("error", ["sendMessage"], seconds=5, start=clock() + 10, status=502)
    assert await sends(bot, sam.id, "before")
    clock.advance(10)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(sam.id, "during")
    me = await bot.get_me()  # other methods are untouched
    clock.advance(4.9)
    assert not await sends(bot, sam.id, "still during")
    clock.advance(0.1)
    assert await sends(bot, sam.id, "after")
    assert [m.text for m in sam.messages()] == ["before", "after"]
    assert me.username == "youthvoice_bot"
    assert (window.hits, emu.stats.fault_hits["error"], emu.stats.errors[502]) == (2, 2, 2)
    assert emu.faults.windows() == []


async def test_a_drop_does_nothing_and_a_drop_after_does_the_work(
    emu: Emulator, bot: Bot, clock: FrozenClock
) -> None:
    """Both cut the connection (a network error for the bot); only drop_after delivered."""
    sam = emu.user("Sam")
    emu.fault("drop", "sendMessage", seconds=5)
    assert not await sends(bot, sam.id, "dropped")
    clock.advance(5)
    emu.fault("drop_after", "sendmessage", seconds=5)  # names are case-insensitive
    assert not await sends(bot, sam.id, "delivered, but the bot cannot know")
    clock.advance(5)
    assert await sends(bot, sam.id, "fine again")
    assert [m.text for m in sam.messages()] == ["delivered, but the bot cannot know", "fine again"]
    assert emu.stats.fault_hits == {"drop": 1, "drop_after": 1}


async def test_a_slow_answer_comes_after_the_work_and_its_delay(emu: Emulator, bot: Bot) -> None:
    """The message is delivered at once and the answer waits `delay` seconds; a bot that
    gives up sooner gets a timeout for a message that did arrive."""
    sam = emu.user("Sam")
    emu.fault("slow", "sendMessage", seconds=60, delay=0.5)
    started = time.monotonic()
    sent = await bot.send_message(sam.id, "slowly", read_timeout=5)
    assert time.monotonic() - started >= 0.45
    assert sent.text == "slowly"
    with pytest.raises(TimedOut):
        await bot.send_message(sam.id, "given up on", read_timeout=0.1)
    assert [m.text for m in sam.messages()] == ["slowly", "given up on"]
    assert emu.stats.fault_hits["slow"] == 2


async def test_an_outage_of_every_method_reaches_get_updates_and_ends_early(
    emu: Emulator, bot: Bot
) -> None:
    """methods="*" covers getUpdates too; end() stops a window at once."""
    sam = emu.user("Sam")
    await sam.send("hello")
    outage = emu.fault("error", "*", seconds=None)
    with pytest.raises(NetworkError):
        await bot.get_updates()
    with pytest.raises(NetworkError):
        await bot.get_me()
    outage.end()
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.text == "hello"
    assert outage.to_json()["methods"] == "*" and outage.hits == 2


async def test_overlapping_windows_the_newest_decides_and_fail_next_comes_first(
    emu: Emulator, bot: Bot, clock: FrozenClock
) -> None:
    """A later window overrides an older one while both last; ending it reveals the older;
    counted fail_next faults apply before any window; clear_faults switches all off."""
    sam = emu.user("Sam")
    emu.fault("drop_after", "sendMessage", seconds=30)
    error = emu.fault("error", ["sendMessage", "editMessageText"], seconds=10)
    emu.fail_next("sendMessage", drop=True)
    assert not await sends(bot, sam.id, "dropped before the work")
    assert not await sends(bot, sam.id, "refused by the newer window")
    error.end()
    assert not await sends(bot, sam.id, "delivered by the older window")
    assert emu.stats.fault_hits == {"drop": 1, "error": 1, "drop_after": 1}
    assert emu.clear_faults() == 1
    assert await sends(bot, sam.id, "no faults left")
    assert [m.text for m in sam.messages()] == ["delivered by the older window", "no faults left"]


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"kind": "explode"}, "no fault 'explode'; choose one of error, drop, drop_after, slow"),
        ({"kind": "error", "methods": "sendMesage"}, "(did you mean sendMessage?)"),
        ({"kind": "error", "methods": []}, "name at least one Bot API method"),
        ({"kind": "error", "status": 200}, "answers 400 to 599, not 200"),
        ({"kind": "slow"}, "a slow fault needs a delay"),
        ({"kind": "drop", "seconds": 0}, "lasts more than 0 seconds"),
    ],
)
def test_a_fault_that_makes_no_sense_is_refused(arguments: dict[str, Any], words: str) -> None:
    """Each mistake is a ValueError that says what is wrong, before anything is switched on."""
    emulator = Emulator(TOKEN)
    with pytest.raises(ValueError) as caught:
        emulator.fault(**arguments)
    assert words in str(caught.value)
    assert emulator.faults.windows() == []


async def test_a_press_answered_after_the_limit_is_too_old(
    emu: Emulator, bot: Bot, clock: FrozenClock
) -> None:
    """Answered 10 s after the press is fine, 16 s is refused as Telegram does; both delays are
    recorded; with no limit any age is answered."""
    sam = emu.user("Sam")
    sent = await bot.send_message(sam.id, "Pick")
    prompt = await sam.tap_data("a", sent.message_id)
    clock.advance(10)
    await bot.answer_callback_query(prompt, "Thanks")
    late = await sam.tap_data("b", sent.message_id)
    clock.advance(16)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(late, "Too late")
    emu.callback_answer_limit = None
    patient = await sam.tap_data("c", sent.message_id)
    clock.advance(3600)
    await bot.answer_callback_query(patient)
    assert sam.toasts() == ["Thanks"]
    assert emu.stats.press_answer_delays == [10.0, 16.0, 3600.0]
    assert emu.stats.late_answers == 1
    assert emu.world.callbacks[prompt].answered_at == clock_start() + 10


async def test_messages_are_dated_by_the_emulator_clock(
    emu: Emulator, bot: Bot, clock: FrozenClock
) -> None:
    """A person's message and the bot's carry the emulator's time, not the machine's."""
    sam = emu.user("Sam")
    said = await sam.send("hello")
    clock.advance(60)
    sent = await bot.send_message(sam.id, "hi")
    assert said["date"] == int(clock_start())
    assert sent.date.timestamp() == int(clock_start()) + 60


async def raw_updates(emu: Emulator) -> list[dict[str, Any]]:
    """getUpdates as JSON, unparsed."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{emu.base_url}{TOKEN}/getUpdates") as response,
    ):
        result: list[dict[str, Any]] = (await response.json())["result"]
        return result


@pytest.mark.parametrize("kind", MALFORMED_KINDS)
async def test_python_telegram_bot_cannot_parse_a_malformed_update(
    emu: Emulator, bot: Bot, kind: str
) -> None:
    """Each malformed kind is an update python-telegram-bot refuses, which is its point; it
    comes in order with the others and stays until an offset confirms it."""
    sam = emu.user("Sam")
    await sam.send("before")
    bad = emu.push_malformed(kind)
    await sam.send("after")
    first, raw, last = await raw_updates(emu)
    assert raw["update_id"] == bad == first["update_id"] + 1 == last["update_id"] - 1
    assert Update.de_json(first, bot).message is not None
    with pytest.raises(PARSE_ERRORS):
        Update.de_json(raw, bot)
    with pytest.raises(PARSE_ERRORS):  # one bad update and PTB refuses the whole batch
        await bot.get_updates()
    (after,) = await bot.get_updates(offset=bad + 1)
    assert after.message is not None and after.message.text == "after"


async def test_push_raw_and_unknown_malformed_kinds(emu: Emulator) -> None:
    """push_raw queues exactly what it is given; an unknown malformed kind names the kinds."""
    update_id = emu.push_raw({"message": 42})
    assert await raw_updates(emu) == [{"update_id": update_id, "message": 42}]
    with pytest.raises(ValueError, match="choose one of message_string, chat_member"):
        emu.push_malformed("nonsense")


async def test_control_api_switches_faults_on_and_off(emu: Emulator, bot: Bot) -> None:
    """POST /_emulator/faults opens a window, GET lists it, DELETE ends every one; a fault
    that makes no sense is a 400 naming the mistake; POST /_emulator/malformed queues one."""
    sam = emu.user("Sam")
    async with aiohttp.ClientSession(base_url=emu.url) as http:
        fault = {"kind": "error", "methods": ["sendMessage"], "seconds": 15, "status": 503}
        async with http.post("/_emulator/faults", json=fault) as response:
            opened = (await response.json())["result"]
        assert not await sends(bot, sam.id, "refused")
        async with http.get("/_emulator/faults") as response:
            (listed,) = (await response.json())["result"]
        async with http.post("/_emulator/faults", json={"kind": "slow"}) as response:
            assert response.status == 400
            assert "delay" in await response.text()
        async with http.post("/_emulator/faults", json={"kind": "drop", "seconds": "x"}) as bad:
            assert bad.status == 400 and "seconds must be a number" in await bad.text()
        async with http.delete("/_emulator/faults") as response:
            assert (await response.json())["result"] == {"ended": 1}
        assert await sends(bot, sam.id, "delivered")
        async with http.post("/_emulator/malformed", json={"kind": "poll_missing_fields"}) as r:
            update_id = (await r.json())["result"]["update_id"]
        async with http.post("/_emulator/malformed", json={"kind": "nope"}) as response:
            assert response.status == 400
        async with http.get("/_emulator/stats") as response:
            stats = (await response.json())["result"]
    assert opened["kind"] == "error" and opened["status"] == 503
    assert opened["methods"] == ["sendmessage"] and opened["until"] - opened["start"] == 15
    assert listed == {**opened, "hits": 1}
    assert stats["fault_hits"] == {"error": 1} and stats["late_answers"] == 0
    assert [u["update_id"] for u in await raw_updates(emu)] == [update_id]
