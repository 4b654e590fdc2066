"""How a young person reads: /language (English or Cymraeg) and /easyread (short sentences, one
idea at a time). Both are kept on their contact and used for every message from then on,
queued ones included (those are rendered when sent).
"""

from __future__ import annotations

from dataclasses import replace

from bot.actions.button_data import Language, encode
from bot.actions.people import Shown, join_first, refuse
from bot.services import Services
from flows.locales import LANGUAGES, NAMES
from flows.texts import Buttons, message
from storage.base import DEFAULT_LANGUAGE


async def ask_language(svc: Services, chat_id: int, update_id: int) -> Shown | None:
    """/language: which language, with one button per language, each in its own words."""
    contact = await svc.store.contact(chat_id)
    if contact is None:
        return await _start_first(svc, update_id)
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    buttons: Buttons = [
        [{"text": NAMES[code], "data": encode(Language(code))} for code in LANGUAGES]
    ]
    return Shown(contact.locale, [(message("language_ask"), buttons)])


async def set_language(svc: Services, chat_id: int, code: str, update_id: int) -> Shown | None:
    """A language button: keep it, and say so in the new language (on the pressed message)."""
    contact = await svc.store.contact(chat_id)
    if contact is None:
        return await refuse(svc, update_id, join_first(svc, None))
    if not await svc.store.set_reading(chat_id, code, None, update_id):
        return None
    return Shown(replace(contact, language=code).locale, edit=(message("language_set"), []))


async def toggle_easy_read(svc: Services, chat_id: int, update_id: int) -> Shown | None:
    """/easyread: turn easy-read on, or off again, and say which in the words now in use."""
    contact = await svc.store.contact(chat_id)
    if contact is None:
        return await _start_first(svc, update_id)
    turned_on = not contact.easy_read
    if not await svc.store.set_reading(chat_id, None, turned_on, update_id):
        return None
    key = "easy_read_on" if turned_on else "easy_read_off"
    return Shown(replace(contact, easy_read=turned_on).locale, [(message(key), [])])


async def _start_first(svc: Services, update_id: int) -> Shown | None:
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    return Shown(DEFAULT_LANGUAGE, [(message(join_first(svc, None)), [])])
