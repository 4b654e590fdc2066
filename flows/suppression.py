"""Small-number suppression for one question's table: which counts to hide so that nobody in a
group smaller than K can be picked out, from this table or from sums that are known anyway.

A hidden count is safe when, from everything shown (the visible counts, the base, and the
labels saying which hidden counts are small), it could still be at least two different values.
The work here is in sets of whole numbers kept as a few spans, so a table of 50,000 answers
costs no more than a table of 10.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from functools import reduce

Span = tuple[int, int]  # both ends included
Values = tuple[Span, ...]  # sorted, apart, each lo <= hi
ZERO: Values = ((0, 0),)


class Hidden(StrEnum):
    """Why a count is hidden: it is small (1 to K-1, shown as "fewer than K"), or it PROTECTS
    a small one (hidden so that the small one cannot be worked out from the rest)."""

    SMALL = "small"
    PROTECTS = "protects"


# Whether a choice of hidden cells would let one of them be worked out.
_Check = Callable[[Mapping[str, Hidden]], bool]


def values(spans: Iterable[Span]) -> Values:
    """The spans sorted, empty ones dropped, touching ones merged."""
    merged: list[Span] = []
    for lo, hi in sorted(span for span in spans if span[0] <= span[1]):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def plus(a: Values, b: Values) -> Values:
    """Every sum of one value from ``a`` and one from ``b``."""
    return values((a_lo + b_lo, a_hi + b_hi) for a_lo, a_hi in a for b_lo, b_hi in b)


def meet(a: Values, b: Values) -> Values:
    """The values in both."""
    return values((max(a_lo, b_lo), min(a_hi, b_hi)) for a_lo, a_hi in a for b_lo, b_hi in b)


def minus_from(total: int, a: Values) -> Values:
    """``total - x`` for every ``x`` in ``a``."""
    return values((total - hi, total - lo) for lo, hi in a)


def size(a: Values) -> int:
    return sum(hi - lo + 1 for lo, hi in a)


def could_be(hidden: Hidden, k: int, top: int) -> Values:
    """What a reader who knows the rules can tell from the label alone."""
    if hidden is Hidden.SMALL:
        return values([(1, min(k - 1, top))])
    return values([(0, 0), (k, top)])


def partition_ranges(
    total: int, shown: Mapping[str, int], hidden: Mapping[str, Values]
) -> dict[str, Values]:
    """For cells that add up to ``total`` (every answer in exactly one cell), the values each
    hidden cell could take, given the shown counts and what each hidden cell could be."""
    rest = total - sum(shown.values())
    ranges: dict[str, Values] = {}
    for name, own in hidden.items():
        others = reduce(plus, (d for n, d in hidden.items() if n != name), ZERO)
        ranges[name] = meet(own, minus_from(rest, others))
    return ranges


def option_ranges(
    answered: int,
    shown: Mapping[str, int],
    hidden: Mapping[str, Values],
    most_picks: int | None = None,
) -> dict[str, Values]:
    """For the options of a pick-several question answered by ``answered`` people (each picks
    at least one, and at most ``most_picks`` when it is set, so the counts add up to
    ``answered`` or more, and to ``most_picks`` times ``answered`` or less; none is above
    ``answered``), the values each hidden option's count could take."""
    up_to = values([(0, answered)])
    left = answered - sum(shown.values())
    # What the hidden ones add up to at most. Without a cap a reader knows no such ceiling
    # (``answered`` bounds each one): this one is too high to matter.
    ceiling = answered * (len(hidden) + 1)
    if most_picks is not None:
        ceiling = most_picks * answered - sum(shown.values())
    ranges: dict[str, Values] = {}
    for name, own in hidden.items():
        others = reduce(plus, (meet(d, up_to) for n, d in hidden.items() if n != name), ZERO)
        # The others add up to some x in ``others``: this one is at least ``left - x`` and
        # at most ``ceiling - x``; over a span of x that is one span.
        fits = values((left - hi, ceiling - lo) for lo, hi in others)
        ranges[name] = meet(meet(own, up_to), fits)
    return ranges


def unused_picks(
    answered: int, most_picks: int, shown: Mapping[str, int], ranges: Mapping[str, Values]
) -> Values:
    """What a reader can tell of how many picks were left unused in a pick-up-to-N question
    (N times ``answered``, less every pick): a number from 1 to K-1 tells that few people
    picked fewer than N, as the picks beyond one each do for a pick-several question."""
    picked = reduce(plus, ranges.values(), values([(sum(shown.values()),) * 2]))
    return meet(minus_from(most_picks * answered, picked), values([(0, most_picks * answered)]))


def pinned(ranges: Mapping[str, Values]) -> bool:
    """Whether some hidden count could be worked out (one value left, or none)."""
    return any(size(r) <= 1 for r in ranges.values())


def _cheapest(counts: Mapping[str, int], hidden: Mapping[str, Hidden]) -> list[str]:
    """Shown cells in the order to hide them: the smallest counts first (they lose least)."""
    return [name for _, name in sorted((c, n) for n, c in counts.items() if n not in hidden)]


def _domains(hidden: Mapping[str, Hidden], k: int, top: int) -> dict[str, Values]:
    return {name: could_be(why, k, top) for name, why in hidden.items()}


def suppress_partition(
    counts: Mapping[str, int],
    k: int,
    total: int | None = None,
    extra: Mapping[str, Values] | None = None,
) -> dict[str, Hidden] | None:
    """The cells to hide in a table whose cells add up to a known total (by default their
    sum): counts from 1 to K-1, then a few others, the smallest that will do, so that no
    hidden count can be worked out. ``extra`` are parts of the total never shown, with what a
    reader could tell of them (they may be worked out). ``None``: no choice of cells is safe;
    hide the whole question."""
    whole = sum(counts.values()) if total is None else total
    more = extra or {}
    small = {n: Hidden.SMALL for n, c in counts.items() if 0 < c < k}
    return _suppress(counts, small, lambda h: _partition_pinned(counts, h, k, whole, more))


def _partition_pinned(
    counts: Mapping[str, int],
    hidden: Mapping[str, Hidden],
    k: int,
    total: int,
    extra: Mapping[str, Values],
) -> bool:
    if not hidden:
        return False
    shown = {n: c for n, c in counts.items() if n not in hidden}
    domains = {**_domains(hidden, k, total), **extra}
    ranges = partition_ranges(total, shown, domains)
    return pinned({n: r for n, r in ranges.items() if n in hidden})


def suppress_options(
    counts: Mapping[str, int], answered: int, k: int, most_picks: int | None = None
) -> dict[str, Hidden] | None:
    """The options to hide in a pick-several question (of at most ``most_picks`` picks each,
    when set): counts from 1 to K-1, counts whose complement (answered but did not pick it) is
    from 1 to K-1, then a few others, the smallest that will do, so that no hidden count can be
    worked out, nor a number of unused picks from 1 to K-1. ``None``: hide the whole
    question."""
    first = {n: Hidden.SMALL for n, c in counts.items() if 0 < c < k}
    first |= {
        n: Hidden.PROTECTS for n, c in counts.items() if n not in first and 0 < answered - c < k
    }

    def unsafe(hidden: Mapping[str, Hidden]) -> bool:
        shown = {n: c for n, c in counts.items() if n not in hidden}
        domains = _domains(hidden, k, answered)
        ranges = option_ranges(answered, shown, domains, most_picks)
        if most_picks is not None:
            unused = unused_picks(answered, most_picks, shown, ranges)
            if size(unused) == 1 and 0 < unused[0][0] < k:
                return True
        return bool(hidden) and pinned(ranges)

    return _suppress(counts, first, unsafe)


def _suppress(
    counts: Mapping[str, int], first: Mapping[str, Hidden], unsafe: _Check
) -> dict[str, Hidden] | None:
    """Starting from ``first``, hide more cells until none can be worked out: the smallest
    shown cell that is enough on its own, else the smallest (and look again). ``None`` when
    every cell is hidden and one still can be."""
    hidden = dict(first)
    while unsafe(hidden):
        order = _cheapest(counts, hidden)
        if not order:
            return None
        enough = next((n for n in order if not unsafe({**hidden, n: Hidden.PROTECTS})), None)
        hidden[enough or order[0]] = Hidden.PROTECTS
    return hidden


def answered_could_be(
    base: int,
    k: int,
    shown: Mapping[str, int],
    hidden: Mapping[str, Hidden],
    most_picks: int | None = None,
) -> Values:
    """What a reader can tell of how many answered a pick-several question (not skipped or
    prefer not to say) from its options: never 1 to K-1 (the question would be hidden), at
    least the biggest option, not within K-1 above a shown option (that option would have
    been hidden), at most what the options add up to, and, with at most ``most_picks`` picks
    each, at least the shown picks shared out that many to a person."""
    could = values([(0, 0), (k, base)])
    for count in shown.values():
        could = meet(could, values([(count, count), (count + k, base)]))
    if Hidden.SMALL in hidden.values():
        could = meet(could, values([(k, base)]))
    if Hidden.PROTECTS not in hidden.values():
        most = sum(shown.values()) + (k - 1) * len(hidden)
        could = meet(could, values([(0, most)]))
    if most_picks is not None:
        could = meet(could, values([(-(-sum(shown.values()) // most_picks), base)]))
    return could
