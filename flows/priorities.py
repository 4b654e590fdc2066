"""The priorities round: a made survey asking young people to pick up to three things that
should change first (approved ideas in their own words, and the standing themes), and its
ranking for leads, made from the suppressed results only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flows.redact import redact
from flows.results import CheckinResults, Hidden, QuestionResult
from flows.survey import SKIPPED, Survey

KIND = "priorities"  # the made survey's kind
QUESTION = "pick"  # the one question of every round
MAX_PICKS = 3
MAX_IDEAS = 10  # with the 7 themes, a list of buttons that still fits a phone screen or two
BUTTON = 30  # characters: a button a phone shows whole (the bundled surveys keep to it too)
IDEA_WORDS = 280  # an idea's words in the question, so ten of them fit one message
IDEA_PREFIX = "idea_"

# The standing themes of the bundled surveys, in every reading (easy read only where it
# differs). Welsh lines a Welsh speaker should check carry a CHECK note.
THEMES: tuple[tuple[str, Mapping[str, str]], ...] = (
    ("money", {"en": "Money", "cy": "Arian"}),
    (
        "home",
        {
            "en": "Home",
            "cy": "Cartref",
            "en@easyread": "A place to live",
            "cy@easyread": "Lle i fyw",
        },
    ),
    ("safe", {"en": "Feeling safe", "cy": "Teimlo'n ddiogel"}),
    ("talk", {"en": "Someone to talk to", "cy": "Rhywun i siarad â nhw"}),
    (
        "study_work",
        {
            "en": "Education and work",
            "cy": "Addysg a gwaith",
            "en@easyread": "School, college or a job",
            "cy@easyread": "Ysgol, coleg neu swydd",
        },
    ),
    ("health", {"en": "Health", "cy": "Iechyd"}),
    # CHECK: spoken "Pethau i wneud", as in weekly.yaml
    ("things_to_do", {"en": "Things to do", "cy": "Pethau i wneud"}),
)

_ASK = {
    "en": f"What should change first? Pick up to {MAX_PICKS}, then tap Done.",
    # CHECK: "Wedi gorffen" is the Done button's Welsh
    "cy": f"Beth ddylai newid gyntaf? Dewisa hyd at {MAX_PICKS}, wedyn pwysa Wedi gorffen.",
    "en@easyread": f"What should change first?\nPick up to {MAX_PICKS}.\nThen tap Done.",
    "cy@easyread": (
        f"Beth ddylai newid gyntaf?\nDewisa hyd at {MAX_PICKS}.\nWedyn pwysa Wedi gorffen."
    ),
}
# Said in the intro when the round has ideas: the question lists them under its words.
_IDEAS_BELOW = {
    "en": "Ideas from young people are under the question, in their own words.",
    "cy": "Mae syniadau gan bobl ifanc o dan y cwestiwn, yn eu geiriau eu hunain.",
    "en@easyread": "Ideas from young people are under the question.",
    "cy@easyread": "Mae syniadau gan bobl ifanc o dan y cwestiwn.",
}
_WORDS: Mapping[str, Mapping[str, str]] = {
    "title": {
        "en": "What matters most",
        # CHECK: "what matters most" as "beth sy'n bwysig fwyaf"
        "cy": "Beth sy'n bwysig fwyaf",
    },
    "intro": {
        "en": (
            "Young people told us what should change. Now you choose what comes first. "
            "It takes a minute, and nobody sees who picked what."
        ),
        "cy": (
            "Dwedodd pobl ifanc wrthon ni beth ddylai newid. Nawr ti sy'n dewis beth sy'n dod "
            "gyntaf. Mae'n cymryd munud, a does neb yn gweld pwy ddewisodd beth."
        ),
        "en@easyread": (
            "Young people told us what should change.\nNow you pick what comes first.\n\n"
            "It takes 1 minute.\nNobody will know what you picked."
        ),
        "cy@easyread": (
            "Dwedodd pobl ifanc beth ddylai newid.\nNawr ti sy'n dewis beth sy'n dod gyntaf.\n\n"
            "Mae'n cymryd 1 munud.\nFydd neb yn gwybod beth ddewisaist ti."
        ),
    },
    "thanks": {
        "en": "Thank you. We'll tell you what comes out on top, and what we do about it.",
        # CHECK: "comes out on top" as "dod i'r brig"
        "cy": (
            "Diolch. Byddwn ni'n dweud wrthot ti beth sy'n dod i'r brig, a beth rydyn ni'n ei "
            "wneud amdano."
        ),
        "en@easyread": "Thank you.\nWe will tell you what most people picked.\n"
        "We will tell you what we do next.",
        "cy@easyread": (
            "Diolch.\nByddwn ni'n dweud wrthot ti beth ddewisodd y rhan fwyaf.\n"
            "Byddwn ni'n dweud beth rydyn ni'n ei wneud nesaf."
        ),
    },
}
_OTHER_READINGS = ("cy", "en@easyread", "cy@easyread")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def shorten(text: str, most: int) -> str:
    """``text`` on one line, at most ``most`` characters: cut at a space near the end, with
    "…" to show that more was said."""
    line = _one_line(text)
    if len(line) <= most:
        return line
    cut = line[: most - 1]
    space = cut.rfind(" ")
    if space >= most // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def idea_option(code: str) -> str:
    """The option id of an idea (option ids start with a letter; idea codes may not)."""
    return IDEA_PREFIX + code.lower()


def _idea_label(number: int, text: str) -> str:
    label = shorten(redact(text), BUTTON)
    # A button needs words (a screen reader reads an emoji alone as its name).
    return label if any(c.isalnum() for c in label) else f"Idea {number}"


def build_round(survey_id: str, ideas: Sequence[tuple[str, str]]) -> Survey:
    """The survey of a priorities round: one question, pick up to three of the ideas (code and
    words; contact details taken out) and the standing themes. Each idea's button shows its
    first words; the question shows them in full (up to ``IDEA_WORDS``)."""
    if len(ideas) > MAX_IDEAS:
        raise ValueError(f"a round holds {MAX_IDEAS} ideas at most, not {len(ideas)}")
    options = [
        {"id": idea_option(code), "label": _idea_label(number, text)}
        for number, (code, text) in enumerate(ideas, start=1)
    ]
    options += [{"id": theme, "label": words["en"]} for theme, words in THEMES]
    details = "\n".join(f"• {shorten(redact(text), IDEA_WORDS)}" for _, text in ideas)

    def intro(reading: str) -> str:
        gap = "\n" if reading.endswith("@easyread") else " "
        said = _WORDS["intro"][reading]
        return f"{said}{gap}{_IDEAS_BELOW[reading]}" if ideas else said

    question: dict[str, Any] = {
        "id": QUESTION,
        "type": "multi",
        "text": _ASK["en"],
        "options": options,
        "max_picks": MAX_PICKS,
        "optional": True,
    }
    if details:
        question["details"] = details
    translations = {
        reading: {
            **{part: words[reading] for part, words in _WORDS.items() if reading in words},
            "intro": intro(reading),
            "questions": {
                QUESTION: {
                    "text": _ASK[reading],
                    "options": {t: w[reading] for t, w in THEMES if reading in w},
                }
            },
        }
        for reading in _OTHER_READINGS
    }
    return Survey.model_validate(
        {
            "schema_version": 1,
            "id": survey_id,
            "title": _WORDS["title"]["en"],
            "intro": intro("en"),
            "thanks": _WORDS["thanks"]["en"],
            "questions": [question],
            "translations": translations,
        }
    )


def next_round_id(taken: Sequence[str]) -> str:
    """``priorities_1``, ``priorities_2``, ...: the first number after every round so far."""
    numbers = [int(i.removeprefix("priorities_")) for i in taken if _is_round_id(i)]
    return f"priorities_{max(numbers, default=0) + 1}"


def _is_round_id(survey_id: str) -> bool:
    rest = survey_id.removeprefix("priorities_")
    return rest != survey_id and rest.isdigit()


# --- The ranking, for leads ---------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """One thing young people could pick, as the ranking shows it."""

    label: str  # an idea's first words with its code ("[idea 3kx7pq]"), or a theme
    count_text: str  # "12", "fewer than 5" or "hidden"
    percent: float | None  # of everyone asked (shown counts only)
    rank: int | None  # 1 for the most picked; tied counts share a rank; None when hidden


@dataclass(frozen=True)
class Ranking:
    """A round's ranking from the suppressed results: shown counts biggest first, then the
    hidden ones (in the survey's order, never by their count), then what nobody picked."""

    asked: int | None
    ranked: tuple[Place, ...]
    hidden: tuple[Place, ...]
    nobody: tuple[str, ...]
    hidden_reason: str | None = None  # the whole question is hidden (then all else is empty)
    guarded: bool = False  # some hidden count is not small: it could sit anywhere above


def is_round(results: CheckinResults) -> bool:
    return _is_round_id(results.survey_id)


def _label(value: str, label: str) -> str:
    if value.startswith(IDEA_PREFIX):
        return f"{label} [idea {value.removeprefix(IDEA_PREFIX)}]"
    return label


def ranking(results: CheckinResults) -> Ranking | None:
    """The ranking of a priorities round whose results show; ``None`` for any other check-in
    or before its results show. Built from shown figures only: no new count can appear."""
    if not is_round(results) or not results.shown:
        return None
    question = next((q for q in results.questions if q.question_id == QUESTION), None)
    if question is None:
        return None
    if question.hidden_reason is not None:
        return Ranking(None, (), (), (), question.hidden_reason)
    return _rank(question, results.k)


def _rank(question: QuestionResult, k: int) -> Ranking:
    cells = [c for c in question.cells if c.value != SKIPPED]
    shown = sorted((c for c in cells if c.count), key=lambda c: -(c.count or 0))
    ranked = tuple(
        Place(
            _label(c.value, c.label),
            c.shown(k),
            c.percent,
            1 + sum(1 for other in shown if (other.count or 0) > (c.count or 0)),
        )
        for c in shown
    )
    hidden = tuple(
        Place(_label(c.value, c.label), c.shown(k), None, None) for c in cells if c.count is None
    )
    nobody = tuple(_label(c.value, c.label) for c in cells if c.count == 0)
    guarded = any(c.hidden is Hidden.PROTECTS for c in cells)
    return Ranking(question.base, ranked, hidden, nobody, guarded=guarded)


def ranking_lines(found: Ranking) -> list[str]:
    """The ranking as plain lines for a lead (the command line, the chat, the files)."""
    if found.hidden_reason is not None:
        return [f"The ranking is hidden: {found.hidden_reason}."]
    asked = f"{found.asked} asked" if found.asked is not None else "asked"
    lines = [f"What matters most, by how many picked it ({asked}, up to {MAX_PICKS} each):"]
    for place in found.ranked:
        tied = sum(1 for other in found.ranked if other.rank == place.rank) > 1
        rank = f"{'=' if tied else ''}{place.rank}."
        share = f" ({place.percent:.0f}%)" if place.percent is not None else ""
        lines.append(f"{rank:>4} {place.label}: {place.count_text}{share}")
    if not found.ranked:
        lines.append("   No count is large enough to rank.")
    if found.hidden:
        why = (
            "counts hidden so nobody can be picked out; a 'hidden' one could sit anywhere above"
            if found.guarded
            else "fewer than the smallest count shown, so not ranked"
        )
        listed = "; ".join(f"{p.label} ({p.count_text})" for p in found.hidden)
        lines.append(f"Not ranked ({why}): {listed}")
    if found.nobody:
        lines.append(f"Picked by nobody: {'; '.join(found.nobody)}")
    return lines
