"""Joining and leaving: the welcome, joining a cohort by its invite link, saying no, /stop and
/delete, the one-line answers (/help, /privacy) and a group's one line (once per group). Each
writes once (with the update id) and returns what to show, as data the door renders in the
person's language; ``None`` means the update was handled before and nothing is shown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot import keys
from bot.actions.button_data import Decline, Delete, Join, Privacy, encode
from bot.services import Services
from flows.texts import Buttons, Text, lines, message
from storage.base import DEFAULT_LANGUAGE, Contact, ContactStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shown:
    """What to show: messages (a text and its buttons, as data), in ``language`` (with
    ``@easyread`` for easy read: ``flows.locales``). A button
    press is answered with ``popup`` (a message key), if any; the pressed message then shows
    ``edit`` instead, or, when neither is given, loses its buttons (a popup alone refuses the
    press and leaves the message as it was)."""

    language: str
    messages: list[tuple[Text, Buttons]] = field(default_factory=list)
    popup: str | None = None
    edit: tuple[Text, Buttons] | None = None


def _said(
    contact: Contact | None,
    text: Text,
    buttons: Buttons | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> Shown:
    """One message in the person's language and reading (``language`` before they join)."""
    return Shown(contact.locale if contact else language, [(text, buttons or [])])


async def welcome(
    svc: Services, chat_id: int, code: str, update_id: int, language: str = DEFAULT_LANGUAGE
) -> Shown | None:
    """/start [CODE]: the welcome with a join button; welcome back for someone who stopped.
    A code that matches no cohort joins nobody: the person hears the link did not work.
    ``language`` is the first language of someone new (from their Telegram app)."""
    store = svc.store
    cohort = await store.cohort_by_code(code) if code else None
    contact = await store.contact(chat_id)
    if code and cohort is None:
        # Never join anyone into no group by a mistyped link: say so, and change nothing.
        if not await store.claim_update(update_id, svc.now()):
            return None
        shown = _said(contact, message("bad_link"), language=language)
        if contact is not None and contact.status is ContactStatus.JOINED:
            shown.messages.append((message("already_joined"), []))
        return shown
    if contact is None and cohort is None and not svc.settings.open_join:
        # Invite only: someone who found the bot cannot join "everyone" and see meetings.
        if not await store.claim_update(update_id, svc.now()):
            return None
        return _said(None, message("invite_only"), language=language)
    if contact is not None:
        cohort_id = cohort.id if cohort else None  # None keeps the cohort they had
        if not await store.join(chat_id, cohort_id, contact.language, svc.today(), update_id):
            return None
        was_in = contact.status is ContactStatus.JOINED
        return _said(contact, message("already_joined" if was_in else "joined_again"))
    if not await store.claim_update(update_id, svc.now()):
        return None
    code = cohort.invite_code if cohort else ""
    buttons = [
        *_join_buttons(code),
        [{"text": message("privacy_button"), "data": encode(Privacy(code))}],
    ]
    return _said(None, message("welcome"), buttons, language)


def _join_buttons(code: str) -> Buttons:
    return [
        [{"text": message("join_yes"), "data": encode(Join(code))}],
        [{"text": message("join_no"), "data": encode(Decline())}],
    ]


async def privacy_details(
    svc: Services, chat_id: int, code: str, update_id: int, language: str = DEFAULT_LANGUAGE
) -> Shown | None:
    """The welcome's privacy button: the full details, with the join buttons under them (the
    welcome's own buttons go) for someone who has never chosen (in ``language``, from their
    Telegram app)."""
    contact = await svc.store.contact(chat_id)
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    buttons = None if contact is not None else _join_buttons(code)  # they chose already
    return _said(contact, message("privacy"), buttons, language)


async def join(
    svc: Services, chat_id: int, code: str, update_id: int, language: str = DEFAULT_LANGUAGE
) -> Shown | None:
    """The welcome's join button (it carries the cohort's code when the link had one).
    Someone new joins with ``language`` (from their Telegram app). Someone who chose already
    pressed an older welcome: nothing changes, and they hear where they stand."""
    cohort = await svc.store.cohort_by_code(code) if code else None
    before = await svc.store.contact(chat_id)
    if code and cohort is None:  # the welcome carries only real codes: this one is forged
        return await refuse(svc, update_id, "button_expired", before)
    if before is not None:
        return await tell(svc, update_id, _where_they_stand(before), before)
    if cohort is None and not svc.settings.open_join:
        return await refuse(svc, update_id, "invite_only", before)  # an old or forged button
    cohort_id = cohort.id if cohort else None
    if not await svc.store.join(chat_id, cohort_id, language, svc.today(), update_id):
        return None
    log.info("contact joined")
    return _said(None, message("joined"), language=language)


async def decline(svc: Services, chat_id: int, update_id: int) -> Shown | None:
    """ "No thanks": nothing is kept. On an older welcome, from someone who chose already,
    nothing changes either: they hear where they stand (in, or messages off)."""
    contact = await svc.store.contact(chat_id)
    key = "not_joined" if contact is None else _where_they_stand(contact)
    return await tell(svc, update_id, key, contact)


def _where_they_stand(contact: Contact) -> str:
    """The answer to a welcome button pressed after choosing: in, or messages off."""
    return "welcome_still_in" if contact.status is ContactStatus.JOINED else "welcome_still_off"


async def stop(svc: Services, chat_id: int, update_id: int) -> Shown | None:
    """/stop: no more messages until /start."""
    contact = await svc.store.contact(chat_id)
    if contact is None:
        claimed = await svc.store.claim_update(update_id, svc.now())
    else:
        claimed = await svc.store.set_status(chat_id, ContactStatus.STOPPED, update_id)
        if claimed:
            log.info("contact stopped")
    return _said(contact, message("stopped")) if claimed else None


async def ask_delete(
    svc: Services, chat_id: int, update_id: int, language: str = DEFAULT_LANGUAGE
) -> Shown | None:
    """/delete: what is removed, and a button to confirm; nothing to ask when nothing is
    kept (as /mydata says then: in ``language``, from their Telegram app)."""
    contact = await svc.store.contact(chat_id)
    if contact is None:
        return await tell(svc, update_id, "delete_nothing", None, language)
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    buttons: Buttons = [
        [{"text": message("delete_yes"), "data": encode(Delete(confirmed=True))}],
        [{"text": message("delete_no"), "data": encode(Delete(confirmed=False))}],
    ]
    return _said(contact, message("delete_ask"), buttons=buttons)


async def delete(
    svc: Services,
    chat_id: int,
    confirmed: bool,
    update_id: int,
    language: str = DEFAULT_LANGUAGE,
) -> Shown | None:
    """The delete buttons: remove the contact and everything that points at them, or not.
    Pressed again once they are gone (a double tap): only a pop-up (in ``language``, from
    their Telegram app), as there is nothing left to do."""
    contact = await svc.store.contact(chat_id)
    if contact is None:
        key = "deleted_already" if confirmed else "delete_nothing"
        return await refuse(svc, update_id, key, None, language)
    if not confirmed:
        claimed = await svc.store.claim_update(update_id, svc.now())
        return _said(contact, message("delete_cancelled")) if claimed else None
    links = [keys.link(svc.key, c.id, chat_id) for c in await svc.store.checkins()]
    if not await svc.store.erase_person(chat_id, links, update_id):
        return None
    # A "Tell us more" or a bare /idea still waiting for their words (the notes and ideas
    # themselves are tied to nobody).
    await svc.store.drop_note_waits(svc.now(), [keys.note_link(svc.key, chat_id)])
    await svc.store.drop_idea_waits(svc.now(), [keys.idea_link(svc.key, chat_id)])
    log.info("contact erased")
    return _said(contact, message("deleted"))


def join_first(svc: Services, contact: Contact | None) -> str:
    """What to tell someone who must join before they can do this: to type /start if they
    stopped (it turns messages back on) or anyone may join, else that they need an invite
    link (a plain /start joins nobody then)."""
    return "start_first" if contact is not None or svc.settings.open_join else "invite_only"


async def greet_group(svc: Services, group_id: int) -> Shown | None:
    """A message in a group: one polite line per group, ever, then silence. The greeting is
    claimed in the database, so two people writing at once still get one line; a group id is
    not personal."""
    if not await svc.store.claim_meta(f"greeted_group:{group_id}", "1"):
        return None
    return _said(None, message("group"))


async def say_once(svc: Services, chat_id: int, key: str, update_id: int) -> Shown | None:
    """A message that changes nothing (/help, /privacy, an edited message): once per update."""
    return await tell(svc, update_id, key, await svc.store.contact(chat_id))


async def unknown_command(
    svc: Services, chat_id: int, command: str, update_id: int, language: str = DEFAULT_LANGUAGE
) -> Shown | None:
    """A command the bot does not know: "I don't know /x", then what the bot can do, in the
    contact's language (``language`` for someone not kept); once per update."""
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    said = lines(message("unknown_command", command=command or "/"), "", message("help"))
    return _said(await svc.store.contact(chat_id), said, language=language)


async def tell(
    svc: Services,
    update_id: int,
    key: str,
    contact: Contact | None,
    language: str = DEFAULT_LANGUAGE,
) -> Shown | None:
    """Claim the update and say ``key``, in the contact's language (``language`` for someone
    not kept); nothing if it repeats."""
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    return _said(contact, message(key), language=language)


async def refuse(
    svc: Services,
    update_id: int,
    key: str,
    contact: Contact | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> Shown | None:
    """A button press that changes nothing: a pop-up ``key`` (silent if the update repeats),
    in the contact's language (``language`` for someone not kept)."""
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    return Shown(contact.locale if contact else language, popup=key)
