"""Signs of risk in free text: the safeguarding lead's phrase file (``risk_phrases.yaml``), read
and checked line by line, and ``RiskPhrases.check``, which says only which kind of risk it saw.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from importlib import resources
from pathlib import Path

import yaml

from flows.datafile import suggest, yaml_problem
from flows.safety.matching import Hit, Matcher, Spelling, tokens

SCHEMA_VERSION = 1
SAFE = "~safe"  # the label of a safe idiom (never a category)
MIN_LETTERS = 3


class Risk(StrEnum):
    """What a worrying message is about. When one message shows several, ``check`` gives the
    first in this order."""

    SUICIDE_SELF_HARM = "suicide_self_harm"
    SEXUAL_ABUSE = "sexual_abuse"
    ABUSE = "abuse"
    EXPLOITATION = "exploitation"
    VIOLENCE = "violence"
    NOWHERE_SAFE_TONIGHT = "nowhere_safe_tonight"


class SafetyFileError(Exception):
    """A risk phrases or support contacts file is wrong; ``str()`` is one line naming the file,
    the line and the fix."""


class RiskPhrases:
    """The phrases of each ``Risk``, and the safe idioms, ready to check messages against."""

    def __init__(
        self,
        phrases: Mapping[Risk, Iterable[str]],
        safe_idioms: Iterable[str] = (),
        same_as: Mapping[str, str] | None = None,
        ordinary_words: Iterable[str] = (),
    ) -> None:
        labelled = [(text, str(risk)) for risk, texts in phrases.items() for text in texts]
        labelled += [(text, SAFE) for text in safe_idioms]
        self._matcher = Matcher(labelled, Spelling(same_as or {}, ordinary_words))

    def check(self, text: str) -> Risk | None:
        """The kind of risk ``text`` shows, or None. Only the category: never the words."""
        found = self.risks(text)
        return next((risk for risk in Risk if risk in found), None)

    def risks(self, text: str) -> frozenset[Risk]:
        """Every kind of risk ``text`` shows (a phrase inside a safe idiom does not count)."""
        hits = self._matcher.hits(text)
        return frozenset(Risk(hit.label) for hit in _unsafe(hits))

    def _covering(self, text: str) -> bool:
        """Whether ``text``, as a safe idiom, covers a risk phrase found in it."""
        hits = self._matcher.hits(text)
        idioms = [hit for hit in hits if hit.label == SAFE]
        return any(h.label != SAFE and any(h.inside(i) for i in idioms) for h in hits)


def _unsafe(hits: Sequence[Hit]) -> list[Hit]:
    """The risk hits that count: none inside a safe idiom, and none inside a longer hit (in
    "kicked me out", the words "kicked me" are about a home, not a kick)."""
    idioms = [hit for hit in hits if hit.label == SAFE]
    risky = [h for h in hits if h.label != SAFE and not any(h.inside(i) for i in idioms)]
    return [h for h in risky if not any(h.inside(o) and h.span != o.span for o in risky)]


def bundled_risk_phrases() -> Path:
    return Path(str(resources.files("flows.safety") / "risk_phrases.yaml"))


def load_risk_phrases(path: Path | None = None) -> RiskPhrases:
    """The phrases in ``path`` (default: the bundled UK file); the first problem is raised as
    a ``SafetyFileError`` naming the file and line (``check_risk_phrases`` lists them all)."""
    path = path or bundled_risk_phrases()
    phrases, problems = read_risk_phrases(path.read_text(encoding="utf-8"), path.name)
    if problems or phrases is None:
        raise SafetyFileError(problems[0])
    return phrases


def check_risk_phrases(path: Path) -> list[str]:
    """Every problem in the phrase file ``path``, one line each; empty means all good."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{path.name}: cannot be read ({type(exc).__name__})"]
    return read_risk_phrases(text, path.name)[1]


FIELDS = ("schema_version", "phrases", "safe_idioms", "same_as", "ordinary_words")


class _Reader:
    """Reads one phrase file, noting each problem with its line."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []

    def problem(self, node: yaml.Node, place: str, what: str) -> None:
        self.problems.append(f"{self.name}: line {node.start_mark.line + 1}: {place}: {what}")

    def fields(self, root: yaml.MappingNode) -> dict[str, yaml.Node]:
        found: dict[str, yaml.Node] = {}
        for key, value in root.value:
            if key.value not in FIELDS:
                hint = suggest(str(key.value), FIELDS)
                self.problem(key, str(key.value), f"unknown field{hint}; check the spelling")
            found[str(key.value)] = value
        for name in FIELDS:
            if name not in found and name != "schema_version":
                self.problem(root, name, "is missing; add it")
        return found

    def words(self, node: yaml.Node | None, place: str) -> list[tuple[str, yaml.Node]]:
        """A list of phrases or words, each with its node; problems noted."""
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, place, "should be a list, one '- ' line each")
            return []
        items: list[tuple[str, yaml.Node]] = []
        for index, item in enumerate(node.value):
            where = f"{place}[{index}]"
            if not isinstance(item, yaml.ScalarNode):
                self.problem(item, where, "should be words; put it in quotes if it has a colon")
            elif not tokens(str(item.value)):
                self.problem(item, where, "is empty; write the words, or remove the line")
            else:
                items.append((str(item.value), item))
        return items

    def pairs(self, node: yaml.Node | None, place: str) -> list[tuple[str, str, yaml.Node]]:
        """same_as: one word, and the words it stands for."""
        if node is None:
            return []
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, place, "should be lines of 'word: the words it stands for'")
            return []
        pairs: list[tuple[str, str, yaml.Node]] = []
        seen: set[str] = set()
        for key, value in node.value:
            short, where = str(key.value), f"{place}.{key.value}"
            if len(tokens(short)) != 1:
                self.problem(key, where, "should be one word (the short form)")
            elif not isinstance(value, yaml.ScalarNode) or not tokens(str(value.value)):
                self.problem(value, where, "should be the words it stands for")
            elif tokens(short)[0] in seen:
                self.problem(key, where, "is listed twice; keep one")
            else:
                seen.add(tokens(short)[0])
                pairs.append((tokens(short)[0], str(value.value), key))
        for short, long, key in pairs:
            chained = [word for word in tokens(long) if word in seen]
            if chained:
                self.problem(
                    key,
                    f"{place}.{short}",
                    f"'{chained[0]}' is itself in same_as; write the words it stands for",
                )
        return pairs


def read_risk_phrases(text: str, name: str) -> tuple[RiskPhrases | None, list[str]]:
    """The phrases in ``text`` and every problem found, one line each naming ``name`` and the
    line. Each phrase must be caught on its own, and each safe idiom must cover a phrase."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return None, [yaml_problem(exc, name)]
    if not isinstance(root, yaml.MappingNode):
        return None, [f"{name}: should be a mapping with {', '.join(FIELDS)}"]
    read = _Reader(name)
    fields = read.fields(root)
    version = fields.get("schema_version")
    if version is None or getattr(version, "value", None) != str(SCHEMA_VERSION):
        found = "is missing" if version is None else f"is {version.value!r}"
        return None, [
            f"{name}: schema_version: {found}; this version of Youth Voice reads "
            f"schema_version: {SCHEMA_VERSION}"
        ]
    same_as = read.pairs(fields.get("same_as"), "same_as")
    ordinary = read.words(fields.get("ordinary_words"), "ordinary_words")
    for word, node in ordinary:
        if len(tokens(word)) != 1:
            read.problem(node, "ordinary_words", f"'{word}' should be one word")
    spelling = Spelling({short: long for short, long, _ in same_as}, [])
    by_risk = _phrases(read, fields.get("phrases"), spelling)
    idioms = read.words(fields.get("safe_idioms"), "safe_idioms")
    if read.problems:
        return None, read.problems
    phrases = RiskPhrases(
        {risk: [text for text, _ in items] for risk, items in by_risk.items()},
        [text for text, _ in idioms],
        {short: long for short, long, _ in same_as},
        [word for word, _ in ordinary],
    )
    _self_test(read, phrases, by_risk, idioms)
    return (None if read.problems else phrases), read.problems


def _phrases(
    read: _Reader, node: yaml.Node | None, spelling: Spelling
) -> dict[Risk, list[tuple[str, yaml.Node]]]:
    """The phrases of each category; unknown or missing categories, phrases too short to
    look for, and phrases that say the same thing twice are problems."""
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        read.problem(node, "phrases", "should list each category, then its phrases")
        return {}
    by_risk: dict[Risk, list[tuple[str, yaml.Node]]] = {}
    names = [str(risk) for risk in Risk]
    for key, value in node.value:
        if key.value not in names:
            hint = suggest(str(key.value), names)
            read.problem(
                key, f"phrases.{key.value}", f"not a category{hint}; use one of {', '.join(names)}"
            )
            continue
        by_risk[Risk(key.value)] = read.words(value, f"phrases.{key.value}")
    for risk in Risk:
        if risk not in by_risk:
            read.problem(node, f"phrases.{risk}", "is missing; every category needs phrases")
    seen: dict[str, tuple[str, yaml.Node]] = {}
    for risk, items in by_risk.items():
        for text, item in items:
            evened = "".join(spelling.words(text))
            if sum(char.isalpha() for char in evened) < MIN_LETTERS:
                read.problem(
                    item, f"phrases.{risk}", f"'{text}' is too short; it would match too much"
                )
            elif evened in seen:
                other, first = seen[evened]
                read.problem(
                    item,
                    f"phrases.{risk}",
                    f"'{text}' is the same as '{other}' (line {first.start_mark.line + 1}) "
                    "once spelling is evened out; keep one",
                )
            else:
                seen[evened] = (text, item)
    return by_risk


def _self_test(
    read: _Reader,
    phrases: RiskPhrases,
    by_risk: Mapping[Risk, Sequence[tuple[str, yaml.Node]]],
    idioms: Sequence[tuple[str, yaml.Node]],
) -> None:
    """Every phrase is caught on its own, in its category; every safe idiom covers a phrase."""
    for risk, items in by_risk.items():
        for text, item in items:
            if risk in phrases.risks(text):
                continue
            covering = next((idiom for idiom, _ in idioms if text in idiom), None)
            why = f" because the safe idiom '{covering}' covers it" if covering else ""
            read.problem(item, f"phrases.{risk}", f"'{text}' would never be flagged{why}")
    for text, item in idioms:
        if not phrases._covering(text):
            read.problem(
                item, "safe_idioms", f"'{text}' contains no risk phrase, so it changes nothing"
            )
