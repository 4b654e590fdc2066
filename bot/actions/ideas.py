"""A young person and ideas: /idea (kept tied to nobody, like an anonymous answer) and /ideas
(how many wait, and the approved ones; never a set-aside one, never who wrote which).

The safety net reads every word before these are called (``bot/telegram/handlers.py``):
worrying words bring support and never reach here. A bare /idea makes the person's next words
their idea, for an hour, under a pseudonym (an HMAC with the key kept outside the database)
that goes in the same transaction as the idea is kept.
"""

from __future__ import annotations

from bot import keys
from bot.actions.answering import joined
from bot.actions.people import Shown, join_first, tell
from bot.services import Services
from flows.ideas import idea_words, young_view
from flows.texts import Buttons, Text, lines, message
from storage.base import DEFAULT_LANGUAGE, Idea

IDEA_WAIT = 3600.0  # after a bare /idea, the next words are the idea for this long


async def ask(svc: Services, chat_id: int, update_id: int) -> Shown | None:
    """A bare /idea: ask for the idea; their next words (within an hour) are it. Any "Tell
    us more" still waiting ends: what they type now is the idea."""
    contact = await joined(svc, chat_id)
    if contact is None:
        known = await svc.store.contact(chat_id)
        return await tell(svc, update_id, join_first(svc, known), known)
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    await svc.store.drop_note_waits(svc.now(), [keys.note_link(svc.key, chat_id)])
    await svc.store.await_idea(keys.idea_link(svc.key, chat_id), svc.now() + IDEA_WAIT)
    return Shown(contact.locale, [(message("idea_ask"), [])])


async def suggest(
    svc: Services, chat_id: int, text: str, update_id: int, *, waited: bool = False
) -> Shown | None:
    """``/idea some words`` (or the words after a bare /idea, ``waited``): kept as a new
    idea, with the date only and nothing about who sent it; a long one is cut to fit (and
    the person told). ``None`` when the update was handled before."""
    contact = await joined(svc, chat_id)
    if contact is None:
        known = await svc.store.contact(chat_id)
        return await tell(svc, update_id, join_first(svc, known), known)
    found = idea_words(text)
    if found is None:
        return await tell(svc, update_id, "idea_empty", contact)
    kept, cut = found
    link = keys.idea_link(svc.key, chat_id) if waited else None
    if await svc.store.add_idea(kept, svc.today(), update_id, waited=link) is None:
        return None
    said: list[tuple[Text, Buttons]] = [(message("idea_long"), [])] if cut else []
    return Shown(contact.locale, [*said, (message("idea_thanks"), [])])


async def take_awaited(
    svc: Services, chat_id: int, text: str, update_id: int
) -> tuple[bool, Shown | None]:
    """Words typed after a bare /idea (the safety net has read them): the idea. Whether an
    idea was awaited (if not, the words are for something else), and what to show."""
    link = keys.idea_link(svc.key, chat_id)
    if not await svc.store.awaiting_idea(link, svc.now()):
        return False, None
    return True, await suggest(svc, chat_id, text, update_id, waited=True)


async def end_wait_for_command(svc: Services, chat_id: int) -> bool:
    """A command typed while a bare /idea waits for words: the wait ends (the words after it
    are for something else). Whether one was waiting; a read only when none was."""
    link = keys.idea_link(svc.key, chat_id)
    if not await svc.store.awaiting_idea(link, svc.now()):
        return False
    await svc.store.drop_idea_waits(svc.now(), [link])
    return True


async def cancel(svc: Services, chat_id: int, update_id: int) -> Shown | None:
    """/cancel: no idea after a bare /idea ("OK, no idea sent."), or nothing to cancel."""
    waited = await end_wait_for_command(svc, chat_id)
    key = "idea_cancelled" if waited else "nothing_to_cancel"
    return await tell(svc, update_id, key, await svc.store.contact(chat_id))


async def end_wait(svc: Services, chat_id: int) -> None:
    """No idea is awaited from this person any more: they started a check-in, tapped "Tell
    us more", or deleted themselves."""
    await svc.store.drop_idea_waits(svc.now(), [keys.idea_link(svc.key, chat_id)])


async def shared(svc: Services, chat_id: int, update_id: int) -> Shown | None:
    """/ideas: how many new ideas wait (small numbers never shown), then the approved ones,
    most backed first, with how many said each (when at least K did)."""
    contact = await joined(svc, chat_id)
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    if contact is None:
        known = await svc.store.contact(chat_id)
        said = message(join_first(svc, known))
        return Shown(known.locale if known else DEFAULT_LANGUAGE, [(said, [])])
    return Shown(contact.locale, [(view_text(await svc.store.ideas(), svc.settings.min_group), [])])


def view_text(ideas: list[Idea], k: int) -> Text:
    """The /ideas message, built from ``flows.ideas.young_view`` only."""
    view = young_view(ideas, k)
    if view.waiting is None:
        waiting: Text = message("ideas_waiting_few")
    elif view.waiting == 0:
        waiting = message("ideas_waiting_none")
    else:
        waiting = message("ideas_waiting_many", count=view.waiting)
    parts: list[Text] = [message("ideas_heading"), "", waiting, ""]
    if view.approved:
        parts.append(message("ideas_approved_heading"))
        for idea in view.approved:
            parts.append(message("ideas_item", text=idea.text))
            if idea.backers is not None:
                parts.append(message("ideas_backed", count=idea.backers))
        if view.more:
            parts.append(message("ideas_more"))
    else:
        parts.append(message("ideas_approved_none"))
    parts += ["", message("ideas_add")]
    return lines(*parts)
