"""A check-in's results as leads see them: counts and percentages per question with small
numbers hidden (``flows.suppression``), free text redacted, and findings in plain words.

Every view and export is built from these values, so they all hide the same counts.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from flows.redact import redact
from flows.suppression import (
    Hidden,
    answered_could_be,
    suppress_options,
    suppress_partition,
)
from flows.survey import PREFER_NOT, SKIPPED, Question, QuestionType, Survey

__all__ = [
    "ANSWERED",
    "Cell",
    "CheckinResults",
    "CheckinSummary",
    "Hidden",
    "QuestionResult",
    "TrendPoint",
    "checkin_summary",
    "closed",
    "findings",
    "finished_words",
    "summarise",
    "trend",
    "when_shown",
]

# The one cell of a text question that is not skipped or prefer not to say: it wrote something.
ANSWERED = "~text"
# Why a whole question is hidden, in a lead's words ({k} is the threshold).
FEW_ASKED = "fewer than {k} were asked it"
FEW_ANSWERED = "fewer than {k} answered it"
BRANCH_HIDDEN = "it follows an answer given by fewer than {k}, so its numbers are hidden too"
NO_SAFE_TABLE = "its numbers would let a small group be worked out"
# The most typed answers shown per question: a random sample of them beyond this (nobody reads
# 30,000 answers in one go, and each is redacted first).
MAX_TEXTS = 500


class Checkin(Protocol):
    """What results need of a check-in (``storage.values.Checkin`` has it)."""

    @property
    def id(self) -> int: ...
    @property
    def survey_id(self) -> str: ...
    @property
    def opens_at(self) -> float: ...
    @property
    def closes_at(self) -> float | None: ...
    @property
    def invited(self) -> int | None: ...
    def is_open(self, now: float) -> bool: ...


class Totals(Protocol):
    """A check-in's counts (``storage.values.Totals`` has them): finished responses, per
    question how often each value was given, and how many were asked each question."""

    @property
    def responses(self) -> int: ...
    @property
    def counts(self) -> Mapping[str, Mapping[str, int]]: ...
    @property
    def asked(self) -> Mapping[str, int]: ...


@dataclass(frozen=True)
class Cell:
    value: str  # the stored value id: an option id, "yes", "no", "~skip", "~pns", "~text"
    label: str  # words a lead reads: "It's tight", "Skipped", "Prefer not to say"
    count: int | None  # None when hidden
    hidden: Hidden | None
    percent: float | None  # of the question's shown base; None when hidden

    def shown(self, k: int) -> str:
        """The count as a lead reads it: "12", "fewer than 5" or "hidden"."""
        if self.count is not None:
            return str(self.count)
        return f"fewer than {k}" if self.hidden is Hidden.SMALL else "hidden"


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    text: str
    kind: str  # choice | multi | scale | yesno | text
    base: int | None  # how many were asked it (answered + skipped); None when hidden
    cells: tuple[Cell, ...]  # option order, then prefer not to say, then skipped
    hidden_reason: str | None  # set when the whole question is hidden (then cells == ())
    texts: tuple[str, ...] = ()  # free text: redacted, shuffled, at most MAX_TEXTS; when safe


@dataclass(frozen=True)
class CheckinResults:
    checkin_id: int
    survey_id: str
    title: str
    opens_at: float
    closes_at: float | None
    invited: int | None  # as queued when it opened; None if not known
    responses: int | None  # finished responses; None when 1..K-1 ("fewer than K")
    k: int  # the threshold (YOUTHVOICE_MIN_GROUP)
    shown: bool  # False until closed with at least K finished: then questions == ()
    questions: tuple[QuestionResult, ...]
    # Not closed yet: nothing per question, and ``responses`` is rounded down to a multiple of
    # K ("at least 10"), so nobody can be told apart by watching results change.
    open_now: bool = False


@dataclass(frozen=True)
class CheckinSummary:
    """One line of the list of check-ins: response figures with small numbers hidden."""

    checkin_id: int
    survey_id: str
    title: str
    opens_at: float
    closes_at: float | None
    open_now: bool
    invited: int | None
    finished: int | None  # None when 1..K-1 (open: 0..K-1)
    rate: float | None  # finished as a percentage of invited; None when unknown or open
    stepped: bool = False  # open: ``finished`` is rounded down to a multiple of K ("at least")


@dataclass(frozen=True)
class TrendPoint:
    checkin_id: int
    opens_at: float
    base: int | None
    cells: tuple[Cell, ...]  # hidden exactly as in that check-in's own results


def closed(checkin: Checkin, now: float) -> bool:
    """Whether a check-in has closed. Answers are stored as each person finishes, so results
    of one still open would show exactly what the latest person said: only closed ones show."""
    return checkin.closes_at is not None and checkin.closes_at <= now


def _shown_responses(responses: int, k: int, stepped: bool = False) -> int | None:
    """Finished responses as shown: ``None`` from 1 to K-1; while open (``stepped``), in
    steps of K ("at least 10" for 12) and ``None`` below K, so the count cannot be watched
    going up one person at a time."""
    if stepped:
        return None if responses < k else responses - responses % k
    return None if 0 < responses < k else responses


def finished_words(finished: int | None, k: int, stepped: bool) -> str:
    """How many finished, as a lead reads it: "12", "at least 10" or "fewer than 5"."""
    if finished is None:
        return f"fewer than {k}"
    return f"at least {finished}" if stepped else str(finished)


def when_shown(closes: str | None, k: int) -> str:
    """Why an open check-in's results are not shown yet and when they will be, for staff;
    ``closes`` is its closing time in words ("Thu 10 Dec, 6pm"), ``None`` when it has none."""
    if closes is None:
        return (
            f"Results show once the check-in has closed (it has no closing date yet) and at "
            f"least {k} have finished."
        )
    return f"Results show when the check-in closes on {closes}, and at least {k} have finished."


def checkin_summary(
    checkin: Checkin, title: str, finished: int, k: int, now: float
) -> CheckinSummary:
    """A check-in's line in the list: invited, finished (hidden from 1 to K-1; in steps of K
    while open) and the rate (once closed)."""
    stepped = not closed(checkin, now)
    shown = _shown_responses(finished, k, stepped)
    rate = None
    if shown is not None and checkin.invited and not stepped:
        rate = _percent(shown, checkin.invited)
    return CheckinSummary(
        checkin.id,
        checkin.survey_id,
        title,
        checkin.opens_at,
        checkin.closes_at,
        checkin.is_open(now),
        checkin.invited,
        shown,
        rate,
        stepped,
    )


def _percent(count: int, base: int) -> float:
    return round(100 * count / base, 1) if base else 0.0


def _cell_values(question: Question, counts: Mapping[str, int]) -> list[str]:
    """The cells of a question: every answer it allows (text: one "answered" cell), prefer
    not to say and skipped when offered, and any other stored value (an older wording)."""
    allowed = [ANSWERED] if question.type is QuestionType.TEXT else question.allowed_values()
    if question.prefer_not_to_say:
        allowed.append(PREFER_NOT)
    if question.optional:
        allowed.append(SKIPPED)
    extra = [v for v in counts if v not in allowed and question.type is not QuestionType.TEXT]
    return [*allowed, *question.in_order(extra)]


def _counts(question: Question, totals: Totals) -> dict[str, int]:
    """The question's counts by cell; for a text question, every typed answer is one cell."""
    given = totals.counts.get(question.id, {})
    if question.type is not QuestionType.TEXT:
        return {v: int(given.get(v, 0)) for v in _cell_values(question, given)}
    counts = {v: 0 for v in _cell_values(question, given)}
    for value, count in given.items():
        cell = value if value in (SKIPPED, PREFER_NOT) else ANSWERED
        counts[cell] = counts.get(cell, 0) + int(count)
    return counts


def _base(question: Question, counts: Mapping[str, int], totals: Totals) -> int:
    if question.id in totals.asked:
        return int(totals.asked[question.id])
    if question.type is QuestionType.MULTI:
        return totals.responses
    return sum(counts.values())


def _hide_cells(
    question: Question, counts: Mapping[str, int], base: int, k: int
) -> dict[str, Hidden] | str:
    """Which cells to hide, or why the whole question is hidden."""
    if question.type is not QuestionType.MULTI:
        hidden = suppress_partition(counts, k, base)
        return NO_SAFE_TABLE if hidden is None else hidden
    # Every stored value but skipped and prefer not to say is a pick, even an option removed
    # from the survey since: it was picked by someone who answered.
    rest = {v: c for v, c in counts.items() if v in (SKIPPED, PREFER_NOT)}
    options = {v: c for v, c in counts.items() if v not in rest}
    answered = base - sum(rest.values())
    if 0 < answered < k:
        return FEW_ANSWERED
    hidden_options = suppress_options(options, answered, k, question.max_picks)
    if hidden_options is None:
        return NO_SAFE_TABLE
    extra = sum(options.values()) - answered
    if not hidden_options and 0 < extra < k:
        # Every option shown: picks beyond one each add up to ``extra``, so 1 to K-1 people
        # picked more than one (with two options, exactly that many picked both).
        return NO_SAFE_TABLE
    shown = {v: c for v, c in options.items() if v not in hidden_options}
    could = answered_could_be(base, k, shown, hidden_options, question.max_picks)
    hidden_rest = suppress_partition(rest, k, base, {ANSWERED: could})
    return NO_SAFE_TABLE if hidden_rest is None else {**hidden_options, **hidden_rest}


def _all_alike(question: Question, counts: Mapping[str, int], base: int, k: int) -> bool:
    """Whether every answer falls in one cell in a group smaller than 2K: "100% said no" tells
    staff who know those few what each of them said (findings hold back "all of you" alike).
    In a pick-several question, an option everyone who answered picked does the same. Typed
    answers are not counted alike: each says something of its own."""
    if question.type is QuestionType.TEXT or base >= 2 * k:
        return False
    if any(count == base > 0 for count in counts.values()):
        return True
    if question.type is not QuestionType.MULTI:
        return False
    answered = base - counts.get(SKIPPED, 0) - counts.get(PREFER_NOT, 0)
    picks = [c for v, c in counts.items() if v not in (SKIPPED, PREFER_NOT)]
    return answered >= k and answered in picks  # under K: "fewer than K answered it"


def _branch_problem(
    question: Question,
    survey: Survey,
    done: Mapping[str, QuestionResult],
    totals: Totals,
    base: int,
    k: int,
) -> str | None:
    """A follow-up question is hidden whole when the answers that lead to it are not all
    shown: its base would give them away."""
    rule = question.show_if
    if rule is None:
        return None
    parent = done.get(rule.question)
    if parent is None or parent.hidden_reason is not None or parent.base is None:
        return BRANCH_HIDDEN
    triggers = [c for c in parent.cells if c.value in rule.answer]
    if any(c.count is None for c in triggers):
        return BRANCH_HIDDEN
    parent_question = survey.question(rule.question)
    if parent_question is None:
        return BRANCH_HIDDEN  # cannot be checked: hide rather than guess
    if parent_question.type is QuestionType.MULTI and not _union_safe(
        parent_question, totals, rule.answer, [c.count or 0 for c in triggers], base, k
    ):
        return BRANCH_HIDDEN
    return None


def _union_safe(
    parent: Question,
    totals: Totals,
    rule: Sequence[str],
    triggers: Sequence[int],
    base: int,
    k: int,
) -> bool:
    """A follow-up to a pick-several question is asked of everyone who picked any of its
    triggers (a union). Next to the trigger counts its base tells how many picked some
    triggers but not one of them (base - c), how many answered but picked none
    (answered - base) and how many picked two (the sum - base); with one other option, all
    who picked none picked it, so how many picked it and a trigger too: none may be 1 to K-1."""
    counts = _counts(parent, totals)
    answered = _base(parent, counts, totals) - counts.get(SKIPPED, 0) - counts.get(PREFER_NOT, 0)
    groups = [base - c for c in triggers] + [answered - base, sum(triggers) - base]
    others = [c for v, c in counts.items() if v not in (*rule, SKIPPED, PREFER_NOT)]
    if len(others) == 1:
        groups.append(others[0] - (answered - base))
    if base > answered or base < max(triggers, default=0):
        return False  # counts that do not add up (a changed survey): cannot be checked
    return not any(0 < group < k for group in groups)


def _question(
    question: Question,
    survey: Survey,
    totals: Totals,
    texts: Sequence[str],
    done: Mapping[str, QuestionResult],
    k: int,
    rng: random.Random,
) -> QuestionResult:
    counts = _counts(question, totals)
    base = _base(question, counts, totals)
    reason = _branch_problem(question, survey, done, totals, base, k)
    if reason is None and 0 < base < k:
        reason = FEW_ASKED
    if reason is None and _all_alike(question, counts, base, k):
        reason = NO_SAFE_TABLE  # not "all alike": the reason must not say what it hides
    hidden = reason or _hide_cells(question, counts, base, k)
    if isinstance(hidden, str):
        why = hidden.format(k=k)
        return QuestionResult(question.id, question.text, question.type.value, None, (), why)
    cells = tuple(
        Cell(
            value,
            "Answered" if value == ANSWERED else question.label_for(value),
            None if value in hidden else count,
            hidden.get(value),
            None if value in hidden else _percent(count, base),
        )
        for value, count in counts.items()
    )
    said = _texts(question, cells, texts, rng)
    return QuestionResult(question.id, question.text, question.type.value, base, cells, None, said)


def _texts(
    question: Question, cells: Sequence[Cell], texts: Sequence[str], rng: random.Random
) -> tuple[str, ...]:
    """Free text, redacted and shuffled (a random ``MAX_TEXTS`` of them at most), only when
    how many wrote it is itself shown: a list of three answers would tell that three people
    wrote (a hidden count)."""
    if question.type is not QuestionType.TEXT:
        return ()
    answered = next((c for c in cells if c.value == ANSWERED), None)
    if answered is None or answered.count is None or not answered.count:
        return ()
    chosen = rng.sample(list(texts), min(len(texts), MAX_TEXTS))
    return tuple(redact(t) for t in chosen)


def summarise(
    survey: Survey,
    checkin: Checkin,
    counts: Totals,
    texts: Mapping[str, Sequence[str]],
    k: int,
    rng: random.Random,
    now: float | None = None,
) -> CheckinResults:
    """The check-in's results with every small number hidden; nothing per question until it
    has closed (given ``now``; see ``closed``) with at least K finished."""
    responses = counts.responses
    open_now = now is not None and not closed(checkin, now)
    shown = responses >= k and not open_now
    done: dict[str, QuestionResult] = {}
    if shown:
        for question in survey.questions:
            said = texts.get(question.id, ())
            done[question.id] = _question(question, survey, counts, said, done, k, rng)
    return CheckinResults(
        checkin.id,
        survey.id,
        survey.title,
        checkin.opens_at,
        checkin.closes_at,
        checkin.invited,
        _shown_responses(responses, k, open_now),
        k,
        shown,
        tuple(done.values()),
        open_now,
    )


def findings(results: CheckinResults, limit: int = 3) -> list[str]:
    """Plain-word sentences from shown figures only, biggest first, e.g.
    '7 in 10 of you said "It's tight" to "How is money for you right now?"'."""
    found: list[tuple[float, str]] = []
    for question in results.questions:
        if question.kind == QuestionType.TEXT.value or question.hidden_reason:
            continue
        answers = [c for c in question.cells if c.value not in (SKIPPED, PREFER_NOT)]
        top = max(
            (c for c in answers if c.percent is not None and c.count),
            key=lambda c: c.percent or 0.0,
            default=None,
        )
        if top is None or top.percent is None or round(top.percent / 10) < 1:
            continue
        if top.count == question.base and (top.count or 0) < 2 * results.k:
            # "All of you" tells staff who know a small group what each of them said.
            continue
        found.append((top.percent, _finding(top, question)))
    found.sort(key=lambda item: -item[0])
    return [sentence for _, sentence in found[:limit]]


def _share(cell: Cell, base: int | None) -> str:
    """A share in words a young person reads easily: "7 in 10 of you", "All of you". "All"
    only when the count is the base (19,995 of 20,000 rounds to 100% but is not all)."""
    if cell.count == base:
        return "All of you"
    tenths = round((cell.percent or 0.0) / 10)
    return "Almost all of you" if tenths == 10 else f"{tenths} in 10 of you"


def _finding(cell: Cell, question: QuestionResult) -> str:
    share = _share(cell, question.base)
    if question.kind == QuestionType.MULTI.value:
        return f'{share} picked "{cell.label}" for "{question.text}"'
    return f'{share} said "{cell.label}" to "{question.text}"'


def trend(
    question_id: str, points: Sequence[tuple[Survey, Checkin, Totals]], k: int
) -> list[TrendPoint]:
    """One question across check-ins, oldest first, each hidden exactly as in its own
    results (so putting views side by side gives nothing away)."""
    line: list[TrendPoint] = []
    for survey, checkin, totals in sorted(points, key=lambda p: (p[1].opens_at, p[1].id)):
        results = summarise(survey, checkin, totals, {}, k, random.Random(0))
        asked = next((q for q in results.questions if q.question_id == question_id), None)
        if asked is None:
            line.append(TrendPoint(checkin.id, checkin.opens_at, None, ()))
        else:
            line.append(TrendPoint(checkin.id, checkin.opens_at, asked.base, asked.cells))
    return line
