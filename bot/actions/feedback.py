"""A young person and "you said, we did" updates: the update as they get it, its "That helps" /
"Not enough" buttons, "Tell us more", and /updates.

Feedback is anonymous even to someone holding the database and the key: the database keeps
counts per update and value only. Each person's choice is kept only in their own message, as
a mark on the chosen button and in the button data (``button_data.Feedback.was``), so a change
moves one count from the old value to the new, in one transaction with the update id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import keys
from bot.actions import audience
from bot.actions.answering import joined
from bot.actions.button_data import Feedback, TellMore, encode
from bot.actions.people import Shown, join_first, refuse, tell
from bot.services import Services
from flows.engine import keep_what_fits
from flows.texts import Buttons, Text, lines, local_date, message
from storage.base import (
    DEFAULT_LANGUAGE,
    FEEDBACK_VALUES,
    Contact,
    FeedbackMove,
    PostedUpdate,
    UpdateStatus,
)

SHOWN = 3  # /updates shows at most this many, newest first
LOOKED_AT = 50  # of the newest this many updates
NOTE_WAIT = 3600.0  # after "Tell us more", the next words are a note for this long
NOTE_LIMIT = 1000  # characters a note may have


def status_text(posted: PostedUpdate) -> Text:
    """Where the update stands, in plain words."""
    if posted.status is UpdateStatus.PLANNED and posted.due_on:
        return message("update_planned", date=local_date(posted.due_on))
    if posted.status is UpdateStatus.COULDNT:
        return message("update_couldnt", why=posted.why or "")
    if posted.status is UpdateStatus.IN_PROGRESS:
        return message("update_in_progress")
    return message("update_done")


def buttons(posted_id: int, choice: str | None) -> Buttons:
    """ "That helps" and "Not enough", the chosen one marked, each carrying the choice the
    person has now; then "Tell us more"."""
    rows: Buttons = []
    for value in FEEDBACK_VALUES:
        label: Text = message(f"update_{value}")
        if value == choice:
            label = message("update_chosen", label=label)
        rows.append([{"text": label, "data": encode(Feedback(posted_id, value, choice))}])
    rows.append([{"text": message("update_tell_more"), "data": encode(TellMore(posted_id))}])
    return rows


def update_message(posted: PostedUpdate) -> dict[str, Any]:
    """The outbox payload of an update: you said, we did, its status, and the buttons."""
    text = message(
        "update_message",
        you_said=posted.you_said,
        we_did=posted.we_did,
        status=status_text(posted),
    )
    return {"text": text, "buttons": buttons(posted.id, None)}


@dataclass(frozen=True)
class Redraw:
    """A feedback press taken: answer it with ``popup`` and show ``buttons`` on the pressed
    message. ``moved`` says a count changed: if Telegram refuses the redraw, the door calls
    ``undo`` so the counts stay what the person's buttons say."""

    language: str
    popup: str
    buttons: Buttons
    posted_id: int
    value: str
    was: str | None
    moved: bool


async def _for_them(svc: Services, posted: PostedUpdate, chat_id: int) -> bool:
    """Whether the update is for this person (and so theirs to give feedback on)."""
    checkins = [c for i in posted.checkin_ids if (c := await svc.store.checkin(i)) is not None]
    if posted.checkin_ids and not checkins:
        return False
    for who in audience.of_update(checkins, posted.cohort_id):
        if await svc.store.in_audience(who, chat_id):
            return True
    return False


async def _theirs(
    svc: Services, chat_id: int, posted_id: int
) -> tuple[Contact, PostedUpdate] | None:
    contact = await joined(svc, chat_id)
    posted = await svc.store.posted_update(posted_id)
    if contact is None or posted is None or not await _for_them(svc, posted, chat_id):
        return None
    return contact, posted


async def press(
    svc: Services, chat_id: int, press: Feedback, update_id: int
) -> Redraw | Shown | None:
    """ "That helps" or "Not enough": move this person's one count, or leave it where it is."""
    found = await _theirs(svc, chat_id, press.posted_id)
    if found is None:
        return await refuse(svc, update_id, "button_expired", await svc.store.contact(chat_id))
    contact, posted = found
    # A second tap before the redrawn buttons arrived still says the old choice.
    was = svc.choices.current(chat_id, posted.id, press.was)
    if was == press.value:
        if not await svc.store.claim_update(update_id, svc.now()):
            return None
        return Redraw(contact.language, "feedback_same", buttons(posted.id, was), posted.id,
                      press.value, was, moved=False)  # fmt: skip
    moved = await svc.store.move_feedback(posted.id, press.value, was, update_id, svc.now())
    if moved is FeedbackMove.STALE:
        # Their old choice is not counted (its count was undone): count the new one alone.
        was = None
        moved = await svc.store.move_feedback(posted.id, press.value, None, update_id, svc.now())
    if moved is FeedbackMove.REPEATED:
        return None
    svc.choices.remember(chat_id, posted.id, press.value)
    return Redraw(contact.language, "feedback_thanks", buttons(posted.id, press.value),
                  posted.id, press.value, was, moved=True)  # fmt: skip


async def undo(svc: Services, chat_id: int, redraw: Redraw) -> None:
    """Telegram refused to show the new choice: move the count back, so the counts match
    what the person's buttons still say (and their next tap is counted from there)."""
    if not redraw.moved:
        return
    await svc.store.move_feedback(redraw.posted_id, redraw.was, redraw.value, None, svc.now())
    svc.choices.remember(chat_id, redraw.posted_id, redraw.was)


async def ask_more(svc: Services, chat_id: int, posted_id: int, update_id: int) -> Shown | None:
    """ "Tell us more": the person's next words (within an hour, unless they start a check-in
    first) are a note on this update."""
    found = await _theirs(svc, chat_id, posted_id)
    if found is None:
        return await refuse(svc, update_id, "button_expired", await svc.store.contact(chat_id))
    contact, posted = found
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    link = keys.note_link(svc.key, chat_id)
    await svc.store.await_note(link, posted.id, svc.now() + NOTE_WAIT)
    return Shown(contact.language, [(message("tell_more_ask"), [])], popup="tell_more_popup")


async def take_note(
    svc: Services, chat_id: int, text: str, update_id: int
) -> tuple[bool, Shown | None]:
    """Words typed after "Tell us more" (already checked by the safety net): kept like an
    anonymous answer. Whether a note was awaited (if not, the words are for someone else),
    and what to show."""
    link = keys.note_link(svc.key, chat_id)
    posted_id = await svc.store.waiting_note(link, svc.now())
    if posted_id is None:
        return False, None
    contact = await svc.store.contact(chat_id)
    words = text.strip()
    if not words:
        return True, await tell(svc, update_id, "tell_more_empty", contact)
    # Never sent back to be rewritten: the first part is kept, and the person told so.
    kept = keep_what_fits(words, NOTE_LIMIT)
    if not await svc.store.save_note(link, posted_id, kept, svc.today(), update_id):
        return True, None
    said: list[tuple[Text, Buttons]] = [(message("long_kept"), [])] if kept != words else []
    return True, Shown(contact.language if contact else DEFAULT_LANGUAGE,
                       [*said, (message("tell_more_thanks"), [])])  # fmt: skip


async def end_note_wait(svc: Services, chat_id: int) -> None:
    """No note is awaited from this person any more: they started a check-in (whose typed
    answers are theirs to give), or deleted themselves."""
    await svc.store.drop_note_waits(svc.now(), [keys.note_link(svc.key, chat_id)])


def card(posted: PostedUpdate) -> Text:
    """An update as /updates lists it."""
    return message(
        "update_card", you_said=posted.you_said, we_did=posted.we_did, status=status_text(posted)
    )


async def latest(svc: Services, chat_id: int, update_id: int) -> Shown | None:
    """/updates: the newest updates for this person, each with where it stands now."""
    contact = await joined(svc, chat_id)
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    if contact is None:
        key = join_first(svc, await svc.store.contact(chat_id))
        return Shown(DEFAULT_LANGUAGE, [(message(key), [])])
    theirs: list[PostedUpdate] = []
    for posted in (await svc.store.posted_updates())[:LOOKED_AT]:
        if await _for_them(svc, posted, chat_id):
            theirs.append(posted)
        if len(theirs) == SHOWN:
            break
    if not theirs:
        return Shown(contact.language, [(message("updates_none"), [])])
    parts: list[Text] = [message("updates_heading")]
    for posted in theirs:
        parts += ["", card(posted)]
    return Shown(contact.language, [(lines(*parts), [])])
