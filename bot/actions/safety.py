"""The safety net behind every door: free text is checked for signs of risk before anything else
happens, and a young person who may need help is given support contacts at once. Nothing here
touches the database, so support still goes out when storage fails.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from bot.settings import Settings
from flows.safety import (
    Risk,
    RiskPhrases,
    SupportContact,
    load_risk_phrases,
    load_support_contacts,
    support_message,
)


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


def load_safety_net(settings: Settings) -> SafetyNet:
    """This deployment's phrases and contacts (the bundled ones unless set); raises
    ``SafetyFileError`` (one line naming the file) for a file that cannot be used."""
    phrases = load_risk_phrases(settings.risk_phrases)
    return SafetyNet(phrases, tuple(load_support_contacts(settings.support_contacts)))


@functools.cache
def bundled_safety_net() -> SafetyNet:
    """The bundled phrases and UK contacts, read once."""
    return SafetyNet(load_risk_phrases(), tuple(load_support_contacts()))
