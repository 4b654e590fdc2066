"""Results for leads in Telegram: /results (a short summary and a chart of one check-in) and
/export (its results as a file), doors onto ``bot.actions.results`` and ``bot.actions.exports``.

Anyone who is not a lead gets the ordinary reply to a command the bot does not know
(``bot.telegram.staff.staff_only``), and a press on one of these buttons gets "this button has
expired": nothing changes for them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.actions import audit, exports, people, update_views
from bot.actions import results as results_actions
from bot.actions.button_data import ExportBack, ExportOf, Press, ResultsOf, encode
from bot.actions.errors import ActionError
from bot.actions.review import review_of
from bot.actions.roles import may_see_results, role_of
from bot.reports.message import summary_message
from bot.reports.table import day, slug
from bot.services import Services
from bot.telegram.context import services
from bot.telegram.render import show
from bot.telegram.staff import staff_only

RECENT = 8  # check-ins offered, newest first
FORMATS = {"csv": "CSV", "xlsx": "Excel", "docx": "Word", "png": "Charts"}
GONE = "That check-in is not there any more. Send {command} to choose again."
NONE_YET = "There are no check-ins yet."
NONE_CLOSED = "No check-in has closed yet, so there are no results to show."


def _lead(svc: Services, user_id: int) -> bool:
    return may_see_results(role_of(svc.settings, user_id))


@staff_only(may_see_results)
async def on_results(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/results (leads): choose a check-in, then get its summary and a chart."""
    await _start(update, context, ResultsOf, "Which check-in's results?")


@staff_only(may_see_results)
async def on_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export (leads): choose a check-in, then a format, then get the file."""
    await _start(update, context, ExportOf, "Which check-in do you want to export?")


async def _start(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    press: Callable[[int], Press],
    question: str,
) -> None:
    svc = services(context)
    if not await svc.store.claim_update(update.update_id, svc.now()):
        return  # a repeated update
    text, markup = await _choices(svc, press, question)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(text, reply_markup=markup)


async def _choices(
    svc: Services, press: Callable[[int], Press], question: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The newest closed check-ins as buttons, each with its date; above them, any newer one
    still open and when its results will show (an open check-in's results show nothing)."""
    rows = (await results_actions.overview(svc))[:RECENT]
    if not rows:
        return NONE_YET, None
    zone = svc.settings.zone
    ready = [row for row in rows if not row.stepped]
    waiting = [
        f"{row.title} (check-in {row.checkin_id}) "
        + ("is still open. " if row.open_now else "has not opened yet. ")
        + results_actions.waiting(svc, row.closes_at)
        for row in rows
        if row.stepped
    ]
    text = "\n\n".join([*waiting, question if ready else NONE_CLOSED])
    if not ready:
        return text, None
    buttons = [
        [
            InlineKeyboardButton(
                f"{row.title} (check-in {row.checkin_id}) · {day(row.opens_at, zone)}",
                callback_data=encode(press(row.checkin_id)),
            )
        ]
        for row in ready
    ]
    return text, InlineKeyboardMarkup(buttons)


async def on_press(
    svc: Services, update: Update, query: CallbackQuery, press: ResultsOf | ExportOf | ExportBack
) -> None:
    """A button under /results or /export: only a lead's press does anything."""
    if not _lead(svc, query.from_user.id):
        shown = await people.refuse(svc, update.update_id, "button_expired")
        await show(update, shown, svc.settings.zone)
        return
    if not await svc.store.claim_update(update.update_id, svc.now()):
        return  # a repeated update
    await query.answer()
    who = audit.staff(query.from_user.id)
    match press:
        case ResultsOf(checkin_id):
            await _results(svc, update, query, checkin_id, who)
        case ExportOf(checkin_id, ""):
            await _formats(svc, query, checkin_id)
        case ExportOf(checkin_id, fmt):
            await _export(svc, update, query, checkin_id, fmt, who)
        case ExportBack():
            text, markup = await _choices(svc, ExportOf, "Which check-in do you want to export?")
            await _edit(query, text, markup)


async def _edit(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Change the message that was pressed (left as it is if Telegram will not edit it)."""
    with contextlib.suppress(BadRequest):
        await query.edit_message_text(text, reply_markup=markup)


async def _results(
    svc: Services, update: Update, query: CallbackQuery, checkin_id: int, who: str
) -> None:
    """The summary in place of the list, then every question in one chart."""
    try:
        results = await results_actions.checkin_results(svc, checkin_id, who)
    except ActionError:
        await _edit(query, GONE.format(command="/results"))
        return
    if results.open_now:  # a button from before it was reopened, or typed by hand
        when = results_actions.waiting(svc, results.closes_at)
        await _edit(query, f"{results.title} (check-in {checkin_id}) is still open. {when}")
        return
    done = await update_views.checkin_lines(svc.store, svc.settings, checkin_id, svc.now())
    review = await review_of(svc, results)
    await _edit(query, summary_message(results, svc.settings.zone, done, review))
    if not any(question.cells for question in results.questions):
        return  # hidden, or nothing a chart could show
    chat = update.effective_chat
    assert chat is not None
    await chat.send_photo(
        await exports.picture(results),
        filename=f"youthvoice-checkin-{checkin_id}-{slug(results.title)}.png",
        caption=f"{results.title}: every question (check-in {checkin_id})",
    )


async def _formats(svc: Services, query: CallbackQuery, checkin_id: int) -> None:
    if await svc.store.checkin(checkin_id) is None:
        await _edit(query, GONE.format(command="/export"))
        return
    buttons = [
        [InlineKeyboardButton(words, callback_data=encode(ExportOf(checkin_id, fmt)))]
        for fmt, words in FORMATS.items()
    ]
    buttons.append([InlineKeyboardButton("« Back", callback_data=encode(ExportBack()))])
    text = f"Which file for check-in {checkin_id}? Small numbers are hidden in every one."
    await _edit(query, text, InlineKeyboardMarkup(buttons))


async def _export(
    svc: Services, update: Update, query: CallbackQuery, checkin_id: int, fmt: str, who: str
) -> None:
    """The file as a document; for charts, every question in one image."""
    words = FORMATS.get(fmt, fmt)
    await _edit(query, f"Making the {words} file for check-in {checkin_id}…")
    try:
        files = await exports.export(svc, checkin_id, fmt, who)
    except ActionError as exc:
        await _edit(query, f"Sorry, no file: {exc}.")
        return
    chat = update.effective_chat
    assert chat is not None
    file = files[0]  # the main file: for charts, every question in one image
    await chat.send_document(
        file.data, filename=file.name, caption=f"{words}: check-in {checkin_id}"
    )
    await _edit(query, f"Here is the {words} file for check-in {checkin_id}.")
