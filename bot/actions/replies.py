"""Replies that may not have reached a young person: nobody is left without their next question.

Each saved check-in step carries a reply mark (``answering.REPLY_GRACE`` ahead). The door
reports the reply shown (the mark is cleared at the next delivery pass) or failed (the mark is
due at once); the delivery loop shows anyone whose mark came due their current question again.
The mark sits on the progress row, under the person's pseudonym: no chat id is written for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot import keys
from bot.actions import audience
from bot.actions.answering import Turn
from bot.services import Services
from flows import engine
from flows.engine import State
from storage.base import DEFAULT_LANGUAGE, ReplyDue, StorageError

log = logging.getLogger(__name__)


def shown(svc: Services, turn: Turn) -> None:
    """The turn's reply reached the person: its mark is cleared at the next delivery pass."""
    if turn.reply_due is not None:
        svc.replies.add(turn.link, turn.reply_due)


async def failed(svc: Services, chat_id: int, turn: Turn) -> None:
    """The turn's reply did not get through: make its mark due now, so the delivery loop tries
    again at its next pass (if even that write fails, the mark still comes due in time)."""
    if turn.reply_due is None:
        return
    svc.replies.failed(turn.link, chat_id)
    try:
        await svc.store.put_off_reply(turn.link, turn.reply_due, svc.now())
    except StorageError as exc:
        log.warning("could not bring a lost reply forward: %s", exc)


@dataclass(frozen=True)
class Lost:
    """Who a lost reply was for, and what to show them now (their current question)."""

    chat_id: int
    turn: Turn


async def lost(svc: Services, mark: ReplyDue) -> Lost | None:
    """The person behind a reply mark and their current question; None when there is nothing
    to show any more (the check-in closed or its survey is gone, they finished, or they left).
    The chat is the one whose reply failed in this run, or (after a restart) found by trying the
    pseudonym of each person the check-in is for."""
    store = svc.store
    checkin = await store.checkin(mark.checkin_id)
    if checkin is None or checkin.survey_id not in svc.surveys or not checkin.is_open(svc.now()):
        return None
    chat_id = svc.replies.chat_of(mark.link)
    if chat_id is None:
        chat_id = next(
            (
                chat
                for chat in await store.audience(audience.of_checkin(checkin))
                if keys.link(svc.key, checkin.id, chat) == mark.link
            ),
            None,
        )
    elif not await store.in_audience(audience.of_checkin(checkin), chat_id):
        return None  # they stopped or left since
    progress = await store.progress(mark.link)
    if chat_id is None or progress is None:
        return None
    state = svc.shown.apply(mark.link, State.from_data(progress.state))
    effects = engine.reshow(svc.surveys[checkin.survey_id], state)
    if not effects:
        return None
    contact = await store.contact(chat_id)
    language = contact.locale if contact else DEFAULT_LANGUAGE
    turn = Turn(checkin.id, effects, language, mark.link, state.current, mark.due)
    return Lost(chat_id, turn)
