"""The safety net's pure core: signs of risk in free text (``RiskPhrases.check``), and the
support contacts a young person is given at once (``support_message``). Data files beside it.
"""

from flows.safety.contacts import (
    SupportContact,
    bundled_support_contacts,
    contact_lines,
    default_support_contacts,
    load_support_contacts,
    needs_checking,
    support_message,
)
from flows.safety.phrases import (
    Risk,
    RiskPhrases,
    SafetyFileError,
    bundled_risk_phrases,
    check_risk_phrases,
    load_risk_phrases,
)

__all__ = [
    "Risk",
    "RiskPhrases",
    "SafetyFileError",
    "SupportContact",
    "bundled_risk_phrases",
    "bundled_support_contacts",
    "check_risk_phrases",
    "contact_lines",
    "default_support_contacts",
    "load_risk_phrases",
    "load_support_contacts",
    "needs_checking",
    "support_message",
]
