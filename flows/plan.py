"""The action plan as young people read it (/plan): each priority with its actions in plain
words, what changed since the reader last looked marked, and the whole cut into messages that
fit a phone. Pure: texts as data (``flows.texts``), the moments passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import Protocol

from flows.texts import Text, lines, local_date, message

# Rendered characters a /plan message may take: well under Telegram's 4,096, so Welsh (about
# a tenth longer) and easy read still fit.
MESSAGE_BUDGET = 3000

# Statuses (as ``storage.values.UpdateStatus`` writes them) and how each reads; the ones that
# are not finished say by when, if there is a date.
_STATUS = {
    "planned": ("plan_planned", "plan_planned_by"),
    "in_progress": ("plan_in_progress", "plan_in_progress_by"),
    "done": ("plan_done", "plan_done"),
    "couldnt": ("plan_couldnt", "plan_couldnt"),
}


class PlanItem(Protocol):
    """What /plan needs of a plan action (``storage.values.PlanAction`` has it)."""

    @property
    def priority(self) -> str: ...
    @property
    def what(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def due_on(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def added_at(self) -> float: ...
    @property
    def changed_at(self) -> float: ...


class Mark(StrEnum):
    """How an action stands against the reader's last look at the plan."""

    SAME = "same"
    NEW = "new"  # added since
    CHANGED = "changed"  # its status changed since


_ACTION_KEYS = {
    Mark.SAME: "plan_action",
    Mark.NEW: "plan_action_new",
    Mark.CHANGED: "plan_action_changed",
}


def mark(item: PlanItem, seen: float | None) -> Mark:
    """New or changed since ``seen`` (when the reader last looked). Someone looking for the
    first time (``seen`` None) gets nothing marked: all of it is new to them, and a mark on
    everything would say nothing."""
    if seen is None:
        return Mark.SAME
    if item.added_at > seen:
        return Mark.NEW
    if item.changed_at > seen:
        return Mark.CHANGED
    return Mark.SAME


def status_text(item: PlanItem) -> Text:
    plain, dated = _STATUS[str(item.status)]
    if item.due_on and dated != plain:
        return message(dated, date=local_date(item.due_on))
    return message(plain)


def action_text(item: PlanItem, seen: float | None) -> Text:
    """One action: what will be done, where it stands, which role does it; marked when new or
    changed since ``seen``."""
    key = _ACTION_KEYS[mark(item, seen)]
    return message(key, what=item.what, status=status_text(item), role=item.role)


def by_priority(items: Iterable[PlanItem]) -> list[tuple[str, list[PlanItem]]]:
    """The actions under their priority, priorities in the order their first action came."""
    groups: dict[str, list[PlanItem]] = {}
    for item in items:
        groups.setdefault(item.priority, []).append(item)
    return list(groups.items())


def heading(items: Sequence[PlanItem], seen: float | None) -> Text:
    """What the plan opens with: what it is, and whether anything changed since last time."""
    if not items:
        return message("plan_none")
    if seen is None:
        return message("plan_heading")
    if any(mark(item, seen) is not Mark.SAME for item in items):
        return lines(message("plan_heading"), message("plan_changed"))
    return lines(message("plan_heading"), message("plan_same"))


def parts(items: Sequence[PlanItem], seen: float | None) -> list[Text]:
    """The plan as pieces that each read alone: the heading, then one piece per action with
    its priority above the first action of each."""
    found: list[Text] = [heading(items, seen)]
    for priority, actions in by_priority(items):
        first, *rest = actions
        found.append(lines(message("plan_priority", priority=priority), action_text(first, seen)))
        found += [action_text(item, seen) for item in rest]
    return found


def pack(pieces: Sequence[Text], measure: Callable[[Text], int], budget: int) -> list[Text]:
    """The pieces in as few messages as fit ``budget`` rendered characters (``measure`` says
    how many a text takes for the reader), a blank line between pieces, never splitting one."""
    messages: list[list[Text]] = []
    used = 0
    for piece in pieces:
        size = measure(piece)
        if messages and used + 2 + size <= budget:
            messages[-1] += ["", piece]
            used += 2 + size
        else:
            messages.append([piece])
            used = size
    return [chunk[0] if len(chunk) == 1 else lines(*chunk) for chunk in messages]
