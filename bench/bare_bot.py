"""A bare python-telegram-bot bot: the yardstick for Youth Voice's inbound capacity.

No database, no survey engine, no rate limiter: ``/start`` sends question 1, and each button tap
answers the callback, edits the tapped message and sends the next question with an inline
keyboard, the same Bot API calls Youth Voice makes per tap. Run as
``python bench/bare_bot.py --api-url http://127.0.0.1:PORT/bot --token TOKEN``; with
``--side-by-side`` it handles updates side by side (the library's ``concurrent_updates``, with
its defaults), as Youth Voice must, instead of one at a time.
"""

from __future__ import annotations

import argparse
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

QUESTIONS = 8


def question(number: int) -> tuple[str, InlineKeyboardMarkup]:
    """Question ``number`` with three answers, one a row, as Youth Voice lays them out."""
    rows = [
        [InlineKeyboardButton(f"Answer {i}", callback_data=f"a:{number}:{i}")] for i in range(3)
    ]
    rows.append([InlineKeyboardButton("Prefer not to say", callback_data=f"a:{number}:~pnts")])
    return f"{number} of {QUESTIONS}\n\nQuestion number {number}?", InlineKeyboardMarkup(rows)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the first question."""
    assert update.effective_chat is not None
    text, markup = question(1)
    await update.effective_chat.send_message(text, reply_markup=markup)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the tap, show the answer in the tapped message, send the next question."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    _, number, value = (query.data or "a:0:0").split(":")
    await query.answer()
    await query.edit_message_text(f"Question number {number}?\n\nYour answer: {value}")
    following = int(number) + 1
    if following > QUESTIONS:
        await update.effective_chat.send_message("Thank you. That was the last one.")
        return
    text, markup = question(following)
    await update.effective_chat.send_message(text, reply_markup=markup)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--side-by-side", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    builder = Application.builder().token(args.token).base_url(args.api_url)
    app = builder.concurrent_updates(args.side_by_side).build()
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CallbackQueryHandler(on_button))
    app.run_polling(poll_interval=0, timeout=10, allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
