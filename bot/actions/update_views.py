"""What staff see of "you said, we did" updates: each with its feedback and notes counted,
small counts hidden like every other count, whether a promise is past its date, the notes
themselves once there are enough, and whether each check-in has an update."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from bot.actions import audit
from bot.actions.errors import ActionError
from bot.actions.updates import status_words, today_of
from bot.settings import Settings
from flows.redact import redact
from flows.suppression import Hidden, suppress_partition, values
from storage.base import FEEDBACK_VALUES, PostedUpdate, Store


@dataclass(frozen=True)
class UpdateLine:
    """An update as staff list it: its feedback and notes counted, small counts hidden
    ("fewer than 5"), and whether it is a promise past its date."""

    posted: PostedUpdate
    feedback: dict[str, str]  # "helps" / "not_enough" -> "12", "fewer than 5", "hidden"
    # (0, or 5 or more, hidden so a small one cannot be worked out) or "not shown" (both)
    notes: str
    overdue: bool


def summary(row: UpdateLine) -> list[str]:
    """An update as plain lines for staff at any door (results, exports, Telegram): what was
    said and done, where it stands, and its feedback with small counts hidden."""
    posted, late = row.posted, " (past its date: follow it up)" if row.overdue else ""
    return [
        f"You said: {posted.you_said}",
        f"We did: {posted.we_did}",
        f"Status: {status_words(posted)}{late}",
        f"Sent to {posted.sent_to}; that helps {row.feedback['helps']}, "
        f"not enough {row.feedback['not_enough']}; notes {row.notes}",
    ]


def shown_feedback(counts: Mapping[str, int], sent_to: int, k: int) -> dict[str, str]:
    """The feedback counts as staff may see them. Those who did not answer are part of how
    many it was sent to, and are never shown, so they are an unknown part of that total."""
    kept = {value: counts.get(value, 0) for value in FEEDBACK_VALUES}
    total = max(sent_to, sum(kept.values()))
    unknown = {"no answer": values([(0, total - sum(kept.values()))])}
    hidden = suppress_partition(kept, k, total=total, extra=unknown)
    if hidden is None:  # no safe choice of cells: none is shown
        return dict.fromkeys(kept, "not shown")
    return {v: _word(n, hidden.get(v), k) for v, n in kept.items()}


def _word(count: int, hidden: Hidden | None, k: int) -> str:
    if hidden is None:
        return str(count)
    return f"fewer than {k}" if hidden is Hidden.SMALL else "hidden"


def shown_count(count: int, k: int) -> str:
    return f"fewer than {k}" if 0 < count < k else str(count)


async def listing(
    store: Store, settings: Settings, now: float, checkin_id: int | None = None
) -> list[UpdateLine]:
    """Every update, newest first (or those answering ``checkin_id``)."""
    overdue = {u.id for u in await store.overdue_updates(today_of(settings, now))}
    lines = []
    for posted in await store.posted_updates():
        if checkin_id is not None and checkin_id not in posted.checkin_ids:
            continue
        counts = await store.feedback_counts(posted.id)
        notes = len(await store.notes(posted.id))
        k = settings.min_group
        feedback = shown_feedback(counts, posted.sent_to, k)
        lines.append(UpdateLine(posted, feedback, shown_count(notes, k), posted.id in overdue))
    return lines


async def checkin_lines(store: Store, settings: Settings, checkin_id: int, now: float) -> list[str]:
    """What was done about a check-in, as plain lines for any staff view or export of its
    results (``/results``, a summary document): each update answering it, with its feedback
    counts hidden like every other count; empty when there is none."""
    lines: list[str] = []
    for row in await listing(store, settings, now, checkin_id):
        lines += [f"Update {row.posted.id}:", *(f"  {line}" for line in summary(row))]
    return lines


async def notes(
    store: Store, settings: Settings, posted_id: int, who: str, now: float
) -> list[str] | None:
    """The "Tell us more" notes on an update, redacted and shuffled, as free text is shown to
    staff: only once there are at least K of them (``None`` before). Logged as viewed."""
    if await store.posted_update(posted_id) is None:
        raise ActionError("update", f"no update {posted_id}", unknown=True)
    found = await store.notes(posted_id)
    if len(found) < settings.min_group:
        return None
    said = [redact(text) for text in found]
    random.SystemRandom().shuffle(said)
    await audit.record(store, who, "read update notes", f"update {posted_id}", now)
    return said


async def answered(store: Store) -> dict[int, float]:
    """For the list of check-ins: when each check-in's first update was posted (check-ins
    with none are left out)."""
    return await store.update_checkins()


def answered_words(closes: float | None, first_update: float | None, now: float) -> str:
    """Whether a check-in (closing at ``closes``) has an update, and how long after closing
    it came, in words: "update 3 days after closing", "no update yet (closed 30 days ago)",
    "still open"."""
    if first_update is not None:
        if closes is None or first_update < closes:
            return "update posted"
        days = _days(first_update - closes)
        return "update the day it closed" if days == "0 days" else f"update {days} after closing"
    if closes is None or closes > now:
        return "still open"
    days = _days(now - closes)
    if days == "0 days":
        return "no update yet (closed today)"
    return f"no update yet (closed {days} ago)"


def _days(seconds: float) -> str:
    days = int(seconds // 86400)
    return f"{days} day{'' if days == 1 else 's'}"
