"""Which message shows each person's current question, and when it was shown, and which
feedback choice their update messages show; in memory only."""

from __future__ import annotations

from collections import OrderedDict

from flows import engine
from flows.engine import State


class ShownQuestions:
    """The newest message showing each person's current question, by their pseudonym, and when
    it was sent (so a second Start right after it can be told from a later one).

    Telegram gives the id after the turn's one write, so it is not written then: it is folded
    into the person's state at their next turn (and saved with it). After a restart the last
    saved id is used; an older copy of a question can still never answer twice.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self._shown: OrderedDict[str, tuple[str, int, float]] = OrderedDict()
        self._limit = limit

    def remember(self, link: str, question_id: str, message_id: int, at: float) -> None:
        """``message_id`` now shows ``question_id``; it was sent at ``at`` (``svc.now()``)."""
        self._shown[link] = (question_id, message_id, at)
        self._shown.move_to_end(link)
        while len(self._shown) > self._limit:
            self._shown.popitem(last=False)

    def items(self) -> list[tuple[str, str, int]]:
        """(link, question id, message id) for everyone remembered, oldest first."""
        return [(link, question, message) for link, (question, message, _) in self._shown.items()]

    def shown_at(self, link: str, question_id: str | None) -> float | None:
        """When the newest copy of ``question_id`` was shown to this person, if known."""
        found = self._shown.get(link)
        return found[2] if found is not None and found[0] == question_id else None

    def apply(self, link: str, state: State) -> State:
        """The state with the newest known message of its current question."""
        found = self._shown.get(link)
        if found is None or found[0] != state.current:
            return state
        return engine.shown(state, found[1])


class ShownReplies:
    """Replies that reached their person since the last delivery pass, as the (link, due)
    marks set when their step was saved. The delivery loop clears them in the database in one
    write a pass, not one a tap; after a crash, a mark not cleared yet only shows someone their
    question once more."""

    def __init__(self, limit: int = 10_000) -> None:
        self._marks: list[tuple[str, float]] = []
        # Whose reply failed, by pseudonym, so showing it again needs no search (after a
        # restart the delivery loop finds the person by trying the check-in's audience).
        self._chats: OrderedDict[str, int] = OrderedDict()
        self._limit = limit

    def add(self, link: str, due: float) -> None:
        self._marks.append((link, due))
        self._chats.pop(link, None)

    def failed(self, link: str, chat_id: int) -> None:
        self._chats[link] = chat_id
        while len(self._chats) > self._limit:
            self._chats.popitem(last=False)

    def chat_of(self, link: str) -> int | None:
        """The chat whose reply under this pseudonym failed in this run, if known."""
        return self._chats.get(link)

    def take(self) -> list[tuple[str, float]]:
        """Every mark added since the last take, emptying the list."""
        marks, self._marks = self._marks, []
        return marks

    def put_back(self, marks: list[tuple[str, float]]) -> None:
        """Marks whose clearing failed: cleared at the next pass."""
        self._marks[:0] = marks


class RecentChoices:
    """The feedback choice each person's update message shows now, by (chat, update), in memory
    only and for the newest ``limit`` presses. It is never written: the database keeps counts
    only. A second tap made before the redrawn buttons reached the phone still carries the old
    choice in its data; this tells the bot the choice already moved, so it is not counted twice.
    """

    def __init__(self, limit: int = 100_000) -> None:
        self._choices: OrderedDict[tuple[int, int], str | None] = OrderedDict()
        self._limit = limit

    def current(self, chat_id: int, posted_id: int, shown: str | None) -> str | None:
        """The person's choice: the one remembered, else ``shown`` (what their buttons say)."""
        return self._choices.get((chat_id, posted_id), shown)

    def remember(self, chat_id: int, posted_id: int, choice: str | None) -> None:
        self._choices[(chat_id, posted_id)] = choice
        self._choices.move_to_end((chat_id, posted_id))
        while len(self._choices) > self._limit:
            self._choices.popitem(last=False)
