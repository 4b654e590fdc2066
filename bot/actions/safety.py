"""The safety net behind every door: free text is checked for signs of risk before anything else
happens, and a young person who may need help is given support contacts at once, then asked,
once a conversation, whether someone from the team should get in touch. Nothing before that
question touches the database, so support still goes out when storage fails.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot.actions.button_data import Consent, encode
from bot.settings import Settings
from flows.safety import (
    Risk,
    RiskPhrases,
    SupportContact,
    contact_lines,
    load_risk_phrases,
    load_support_contacts,
    support_message,
)
from flows.schedule import format_day
from flows.texts import Buttons, message
from storage.base import OutgoingMessage, StorageError

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

# A conversation about getting help lasts this long from the moment the question is asked:
# within it the question is never asked again, whatever the answer (or none). Kept in the
# running bot's memory, never in the database, so asking depends on nothing that can fail.
CONVERSATION = 24 * 3600.0
# How long the record of a safeguarding alert is kept (README "Retention").
ALERT_DAYS = 365
# The dedupe key of every safeguarding alert starts with this (storage never holds them for a
# pause): ``alert:<update id>:<lead id>``.
ALERT_KEY = "alert:"


@dataclass(frozen=True)
class SafetyNet:
    phrases: RiskPhrases
    contacts: tuple[SupportContact, ...]

    def risk(self, text: str) -> Risk | None:
        """The kind of risk ``text`` shows, if any (never the words that showed it)."""
        return self.phrases.check(text)

    def support(self, lang: str, *, anytime: bool = False) -> str:
        """The support message for someone who wrote something worrying (``anytime``: for
        anyone who asked, with /urgent or /help)."""
        return support_message(self.contacts, lang, urgent=True, anytime=anytime)

    def contact_list(self, lang: str) -> str:
        """The contacts alone, one a line."""
        return contact_lines(self.contacts, lang)


def load_safety_net(settings: Settings) -> SafetyNet:
    """This deployment's phrases and contacts (the bundled ones unless set); raises
    ``SafetyFileError`` (one line naming the file) for a file that cannot be used."""
    phrases = load_risk_phrases(settings.risk_phrases)
    return SafetyNet(phrases, tuple(load_support_contacts(settings.support_contacts)))


@functools.cache
def bundled_safety_net() -> SafetyNet:
    """The bundled phrases and UK contacts, read once."""
    return SafetyNet(load_risk_phrases(), tuple(load_support_contacts()))


class Next(StrEnum):
    """What follows the support contacts."""

    ASK = "ask"  # would you like someone from the team to get in touch?
    NOBODY = "nobody"  # nobody is set up to be alerted: say so, and give the contacts again
    STAY = "stay"  # asked already in this conversation: "I'm here too"


@dataclass
class Conversations:
    """When each person was last asked about getting in touch, and whether a lead was alerted
    for them in that conversation (event loop or clock seconds, whichever the caller uses)."""

    asked: dict[int, float] = field(default_factory=dict)
    alerted: dict[int, float] = field(default_factory=dict)

    def after_support(self, chat_id: int, now: float, anyone: bool) -> Next:
        """What to say after support, and remember that it was said (once a conversation)."""
        self._forget(now)
        if chat_id in self.asked:
            return Next.STAY
        self.asked[chat_id] = now
        return Next.ASK if anyone else Next.NOBODY

    def first_alert(self, chat_id: int, now: float) -> bool:
        """Whether this is the first Yes in the conversation (and remember it)."""
        self._forget(now)
        if chat_id in self.alerted:
            return False
        self.alerted[chat_id] = now
        self.asked.setdefault(chat_id, now)
        return True

    def alert_failed(self, chat_id: int) -> None:
        """The leads could not be alerted: a later Yes may try again."""
        self.alerted.pop(chat_id, None)

    def said_no(self, chat_id: int, now: float) -> None:
        """A No: the question is not asked again in this conversation."""
        self._forget(now)
        self.asked.setdefault(chat_id, now)

    def _forget(self, now: float) -> None:
        for seen in (self.asked, self.alerted):
            for chat_id in [c for c, at in seen.items() if now - at >= CONVERSATION]:
                del seen[chat_id]


def consent_buttons() -> Buttons:
    return [
        [
            {"text": message("consent_yes"), "data": encode(Consent(True))},
            {"text": message("consent_no"), "data": encode(Consent(False))},
        ]
    ]


def alert(chat_id: int, today: str) -> dict[str, Any]:
    """The alert a safeguarding lead gets: never anything the young person wrote, with a
    button that opens a chat with them, and the same words without it (``fallback``) for when
    their Telegram settings do not allow such a button."""
    day = format_day(date.fromisoformat(today))
    return {
        "text": message("alert", day=day),
        "buttons": [[{"text": message("alert_button"), "url": f"tg://user?id={chat_id}"}]],
        "fallback": {"text": message("alert_hidden", day=day, number=str(chat_id))},
    }


async def alert_team(svc: Services, chat_id: int, update_id: int) -> str | None:
    """Yes to "would you like someone to get in touch?": alert every safeguarding lead through
    the outbox (urgent: quiet hours do not hold it; a pause does not either), recorded in the
    alerts table. The message key to say (``None``: the update repeats)."""
    leads = sorted(svc.settings.safeguarding)
    if not leads:
        return "consent_nobody"
    if not svc.talks.first_alert(chat_id, svc.now()):
        return "consent_answered"
    today, now = svc.today(), svc.now()
    payload = alert(chat_id, today)
    messages = [
        OutgoingMessage(lead, payload, now, f"{ALERT_KEY}{update_id}:{lead}", urgent=True)
        for lead in leads
    ]
    try:
        if not await svc.store.raise_alert(chat_id, today, messages, update_id):
            return None
    except StorageError as exc:
        svc.talks.alert_failed(chat_id)
        log.error("a safeguarding alert could not be queued: %s", type(exc).__name__)
        return "consent_failed"
    log.warning("a young person asked for someone to get in touch: %d leads alerted", len(leads))
    return "consent_sent"
