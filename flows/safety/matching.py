"""Finding listed phrases in what people type, however they type it: any case, with or without
apostrophes, punctuation or spaces, letters swapped for look-alikes, repeated, or misspelt.

Both the phrases and the message are evened out the same way, word by word, and then compared
with the spaces taken out, so "i wanna die", "I WANT TO DIEEE" and "iwanttodie" all meet
"want to die". Nothing here keeps a message or any word of it after a call returns.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

APOSTROPHES = re.compile(r"['’‘ʼ`´′]")  # noqa: RUF001 (the curly ones are the point)
# Look-alikes people type for letters: "k1ll", "$uicide", "d3ad", "k!ll".
LOOK_ALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
SYMBOLS = str.maketrans({"@": "a", "$": "s", "€": "e"})
INNER_BANG = re.compile(r"(?<=[^\W\d_])[!|](?=[^\W\d_])")
WORD = re.compile(r"[^\W_]+")
TRIPLE = re.compile(r"(.)\1{2,}")
DOUBLE = re.compile(r"(.)\1+")
# A word this long or longer may be a misspelling of a listed word of at least FUZZY_TARGET
# letters (one letter wrong, missing, extra or swapped; two from FUZZY_TWO letters on). The
# first letter must be right: people rarely get it wrong, and so "filling" is never "killing".
# Everyday words one letter off a listed one ("cooking", "choking") go in ordinary_words.
FUZZY_WORD, FUZZY_TARGET, FUZZY_TWO = 6, 7, 10
# Run-together words ("iwanttodie") hold a phrase at least this long (letters, doubles as one).
INSIDE_WORD = 7
# A phrase at least this long (letters, doubles as one) may be typed one letter off, across its
# words ("kil myslef"); shorter ones are too near everyday words ("want to diet").
FUZZY_RUN = 9


def tokens(text: str) -> list[str]:
    """The words of ``text`` in lower case, apostrophes dropped ("I'm" is "im"), look-alikes
    turned back into letters inside words that have letters, everything else a space."""
    text = APOSTROPHES.sub("", unicodedata.normalize("NFKC", text).casefold())
    words: list[str] = []
    for chunk in text.split():
        if any(char.isalpha() for char in chunk):
            chunk = INNER_BANG.sub("i", chunk.translate(SYMBOLS).translate(LOOK_ALIKES))
        words += WORD.findall(chunk)
    return words


def squeeze(word: str, keep: int = 1) -> str:
    """``word`` with each run of one letter cut to ``keep`` (1: "kill" is "kil"; 2: only runs
    of three or more are cut, "killll" is "kill")."""
    if keep == 1:
        return DOUBLE.sub(r"\1", word)
    return TRIPLE.sub(r"\1\1", word)


@dataclass(frozen=True)
class Hit:
    """One phrase found: its label, and the words it covers (``start`` to before ``end``)."""

    label: str
    start: int
    end: int

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end

    def inside(self, other: Hit) -> bool:
        return other.start <= self.start and self.end <= other.end


class Spelling:
    """How words are evened out: ``same_as`` says what a word stands for ("im": "i am",
    "wanna": "want to"); ``ordinary`` words are never read as a misspelling of another."""

    def __init__(self, same_as: Mapping[str, str], ordinary: Iterable[str]) -> None:
        self.same_as = {
            "".join(tokens(key)): tuple(tokens(value)) for key, value in same_as.items()
        }
        self.ordinary = frozenset(ordinary)
        self._contracted: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for key, words in self.same_as.items():
            self._contracted[words].append(key)

    def expand(self, word: str) -> tuple[str, ...]:
        return self.same_as.get(word, (word,))

    def words(self, phrase: str) -> tuple[str, ...]:
        """A listed phrase, evened out (phrases are taken as written: no misspellings)."""
        return tuple(w for token in tokens(phrase) for w in self.expand(squeeze(token, 2)))

    def forms(self, words: Sequence[str], most: int = 64) -> list[str]:
        """The phrase run together, in full and with its words shortened back the ways people
        write them ("i am going to" also as "imgonna"), longest first."""
        seen = {tuple(words)}
        todo = [tuple(words)]
        while todo and len(seen) < most:
            current = todo.pop()
            for start, end, key in self._shortenings(current):
                shorter = (*current[:start], key, *current[end:])
                if shorter not in seen and len(seen) < most:
                    seen.add(shorter)
                    todo.append(shorter)
        return sorted({"".join(form) for form in seen}, key=lambda f: (-len(f), f))

    def _shortenings(self, words: tuple[str, ...]) -> Iterator[tuple[int, int, str]]:
        for long, keys in self._contracted.items():
            for start in range(len(words) - len(long) + 1):
                if words[start : start + len(long)] == long:
                    for key in keys:
                        yield start, start + len(long), key


class Matcher:
    """Finds any of ``phrases`` (each with a label) in a message."""

    def __init__(self, phrases: Iterable[tuple[str, str]], spelling: Spelling) -> None:
        self.spelling = spelling
        self._whole: dict[str, set[str]] = defaultdict(set)  # run together -> labels
        self._plain: dict[str, set[str]] = defaultdict(set)  # the same with doubles as one
        self._near: dict[str, list[str]] = defaultdict(list)  # first letter -> long plain forms
        self._widest = 1
        vocabulary: set[str] = set()
        near: set[str] = set()
        for phrase, label in phrases:
            words = spelling.words(phrase)
            vocabulary.update(words)
            # A phrase's words may be typed split further ("kill my self", "k m s").
            self._widest = max(self._widest, len(words) + 2)
            for form in spelling.forms(words):
                self._whole[form].add(label)
                self._plain[squeeze(form)].add(label)
            # Only the phrase written in full may be a letter off: its short forms may have
            # one-letter words ("4" for "for"), and a letter off those is a word missing.
            plain = squeeze("".join(words))
            if len(plain) >= FUZZY_RUN:
                near.add(plain)
        for plain in sorted(near):
            self._near[plain[0]].append(plain)
        self._inside = [plain for plain in self._plain if len(plain) >= INSIDE_WORD]
        self._known = vocabulary | set(spelling.same_as) | spelling.ordinary
        self._by_plain = {squeeze(w): w for w in sorted(self._known - spelling.ordinary)}
        self._targets: dict[str, list[str]] = defaultdict(list)
        for word in sorted(vocabulary):
            if len(word) >= FUZZY_TARGET:
                self._targets[word[0]].append(word)

    def hits(self, text: str) -> list[Hit]:
        """Every listed phrase in ``text``: whole, split or run together, or a letter off."""
        words = [w for token in tokens(text) for w in self.spelling.expand(self._word(token))]
        found: list[Hit] = []
        for start in range(len(words)):
            run = ""
            for end in range(start + 1, min(len(words), start + self._widest) + 1):
                run += words[end - 1]
                labels = self._whole.get(run) or self._near_run(words[start:end], run)
                found += (Hit(label, start, end) for label in sorted(labels))
        for index, word in enumerate(words):
            plain = squeeze(word)
            if word not in self._known and len(plain) >= INSIDE_WORD:
                # Words run together: "omgiwanttodie", "imhomeless".
                labels = {
                    label for form in self._inside if form in plain for label in self._plain[form]
                }
                found += (Hit(label, index, index + 1) for label in sorted(labels))
        return found

    def _word(self, token: str) -> str:
        """One typed word evened out: the listed word it was meant to be, if near one."""
        if token in self._known:
            return token
        short = squeeze(token, 2)
        if short in self._known or token in self.spelling.ordinary:
            return short
        plain = squeeze(token)
        # Doubled letters are read as one only where that cannot change the word: the typist
        # stretched it ("killll", "dieee"), doubled nothing ("kil"), or only the last letter
        # ("diee"). So "rapped" is not read as a word it is not.
        stretched = short != token or plain in (token, token[:-1])
        if stretched and plain in self._by_plain:
            return self._by_plain[plain]
        if len(short) >= FUZZY_WORD:
            cutoff = 2 if len(short) >= FUZZY_TWO else 1
            targets = self._targets.get(short[0], [])
            near = process.extractOne(short, targets, scorer=OSA.distance, score_cutoff=cutoff)
            if near is not None:
                return str(near[0])
        return short

    def _near_run(self, words: Sequence[str], run: str) -> set[str]:
        """The labels of a long phrase one letter off ``words`` run together ("kilmyslef")."""
        if len(run) < FUZZY_RUN or any(word in self.spelling.ordinary for word in words):
            return set()
        plain = squeeze(run)
        candidates = self._near.get(plain[0], [])
        near = process.extractOne(plain, candidates, scorer=OSA.distance, score_cutoff=1)
        return set() if near is None else self._plain[str(near[0])]
