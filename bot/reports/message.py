"""The short summary /results sends a lead in the chat: the check-in, how many took part and
the two or three findings that stand out; or, plainly, that results are still hidden."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.reports.table import NOTHING_YET, dates, nothing_yet, people, took_part
from flows.priorities import ranking, ranking_lines
from flows.results import CheckinResults, findings
from flows.review import GAP_RULE, ReviewView, gaps_heading, line_words

# At most this many lines of "you said, we did" updates, so the message stays short.
DONE_LINES = 12
# At most this many actions of a joint review (gaps come first, so none is cut before another).
REVIEW_LINES = 8
# An action's words in the chat at most (Telegram takes 4,096 characters a message).
REVIEW_WHAT = 100


def summary_message(
    results: CheckinResults,
    zone: ZoneInfo,
    done: Sequence[str] = (),
    review: ReviewView | None = None,
) -> str:
    """Plain text (no markup), short enough to read on a phone. ``done``: the updates that
    answer the check-in, with their feedback counts (small ones already hidden); ``review``:
    a joint review's actions beside the plan's status, shown first, gaps at the top."""
    head = f"{results.title} (check-in {results.checkin_id}), {dates(results, zone)}"
    if not results.shown:
        so_far = "nobody" if results.responses == 0 else people(results.responses, results.k)
        return (
            f"{head}\n\nResults stay hidden until at least {results.k} people have finished, "
            f"so nobody can be picked out. So far: {so_far}."
        )
    found = findings(results, 3)
    ranked = ranking(results)
    lines = [head, "", took_part(results)]
    if review is not None:
        # The review's lines are its findings: each action with what young people said.
        lines += ["", *_review(review, results.k)]
    elif found:
        lines += ["", "What stands out:", *(f"• {finding}" for finding in found)]
    elif nothing_yet(found, ranked):
        lines += ["", NOTHING_YET]
    if ranked is not None:
        lines += ["", *ranking_lines(ranked)]
    if done:
        more = ["…"] if len(done) > DONE_LINES else []
        lines += ["", "What we did about it:", *done[:DONE_LINES], *more]
    lines += [
        "",
        f'Counts from 1 to {results.k - 1} show as "fewer than {results.k}". '
        "/export gives the full results as a file.",
    ]
    return "\n".join(lines)


def _review(review: ReviewView, k: int) -> list[str]:
    """The joint review in a chat: the gaps line, then each action (gaps first), the rule."""
    shown = [f"• {line_words(line, k, REVIEW_WHAT)}" for line in review.lines[:REVIEW_LINES]]
    more = len(review.lines) - REVIEW_LINES
    if more > 0:
        shown.append(f"…and {more} more: /export gives them all.")
    return [gaps_heading(review), *shown, GAP_RULE]
