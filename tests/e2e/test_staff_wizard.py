"""The wizard mechanism itself, on a small wizard made for the test: a multi-choice step
(ticks, Done), a step that takes a button or typed words, a refusal at confirm that sends the
staff member back to the step to fix, and starting a second wizard over the first."""

from __future__ import annotations

import pytest
from telegram import Update
from telegram.ext import ApplicationHandlerStop, CommandHandler, ContextTypes

from bot.services import Services
from bot.telegram import wizard
from bot.telegram.wizard import Answers, Choice, Prompt, Refused, Retry, Step, Wizard
from tests.conftest import StaffBot

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]


async def _ask_colours(svc: Services, answers: Answers) -> Prompt:
    return Prompt("Which colours?", [Choice("Red", "red"), Choice("Blue", "blue")], multi=True)


async def _ask_name(svc: Services, answers: Answers) -> Prompt:
    return Prompt("Type a name, or use the suggestion.", [Choice("Use 'Sam'", "Sam")])


def _read_name(text: str, svc: Services, answers: Answers) -> str:
    if not text.strip():
        raise Retry("A name can't be empty.")
    return text.strip()


async def _preview(svc: Services, answers: Answers) -> str:
    return f"Colours: {', '.join(answers['colours'])}; name: {answers['name']}"


async def _finish(svc: Services, answers: Answers, user_id: int) -> str:
    if answers["name"] == "Nope":
        raise Refused("name", "That name is taken.")
    return f"Done for {answers['name']}."


TOY = wizard.register(
    Wizard(
        name="toy",
        command="toy",
        steps=(
            Step("colours", "colours", _ask_colours),
            Step("name", "name", _ask_name, read=_read_name),
        ),
        preview=_preview,
        finish=_finish,
    )
)


async def on_toy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await wizard.start(update, context, TOY)
    raise ApplicationHandlerStop  # added first, in a group of its own: nothing else answers


@pytest.fixture
def toy(staff_bot: StaffBot) -> StaffBot:
    runner = staff_bot.yv.runner
    assert runner is not None
    runner.telegram.app.add_handler(CommandHandler("toy", on_toy), group=-10)
    return staff_bot


async def test_multi_choice_typed_words_and_a_refusal_at_confirm(toy: StaffBot) -> None:
    wren = toy.worker
    await wren.send("/toy")
    asked = await wren.next_reply()
    assert asked.button_texts == ["Red", "Blue", "Done ✔", "✖ Cancel"]
    await wren.tap("Done ✔")
    assert "Pick at least one first" in (await wren.next_reply()).text
    await wren.tap("Red")
    ticked = await wren.next_reply()
    assert ticked.edited and ticked.button_texts[:2] == ["✅ Red", "Blue"]
    await wren.tap("Blue")
    await wren.tap("✅ Red")  # untick
    await wren.replies(2)
    await wren.tap("Done ✔")
    chosen, name = await wren.replies(2)
    assert chosen.text.endswith("✔ Colours: 1 chosen")
    assert name.button_texts == ["Use 'Sam'", "⬅ Back", "✖ Cancel"]
    await wren.send("Nope")
    preview = await wren.next_reply()
    assert preview.text == "✔ Name: Nope\n\nColours: blue; name: Nope"
    await wren.tap("✅ Confirm")
    _, refused = await wren.replies(2)
    assert refused.text == "⚠ That name is taken."
    assert refused.button_texts == ["✏️ Change the name", "⬅ Back", "✖ Cancel"]
    await wren.tap("✏️ Change the name")
    await wren.replies(2)
    await wren.tap("Use 'Sam'")
    _, preview = await wren.replies(2)
    assert preview.text == "Colours: blue; name: Sam"
    await wren.tap("✅ Confirm")
    _, done = await wren.replies(2)
    assert done.text == "Done for Sam."


async def test_a_new_wizard_puts_the_old_one_away(toy: StaffBot) -> None:
    wren = toy.worker
    await wren.send("/toy")
    await wren.next_reply()
    await wren.send("/newmeeting")
    await wren.next_reply()
    await wren.tap("Red")  # from the first run
    assert "plan that's finished or was put away" in (await wren.replies(2))[1].text
    await wren.send("/cancel")
    assert (await wren.next_reply()).text == "Cancelled. Nothing was sent or saved."
