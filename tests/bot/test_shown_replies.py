"""ShownReplies: the in-memory note of replies shown (cleared in batches) and of whose failed."""

from __future__ import annotations

from bot.actions.shown import ShownReplies


def test_marks_are_taken_once_and_put_back_in_front() -> None:
    shown = ShownReplies()
    shown.add("a", 1.0)
    shown.add("b", 2.0)
    taken = shown.take()
    assert taken == [("a", 1.0), ("b", 2.0)]
    assert shown.take() == []
    shown.add("c", 3.0)
    shown.put_back(taken)
    assert shown.take() == [("a", 1.0), ("b", 2.0), ("c", 3.0)]


def test_a_failed_reply_remembers_the_chat_until_a_reply_gets_through() -> None:
    shown = ShownReplies(limit=2)
    shown.failed("a", 11)
    assert shown.chat_of("a") == 11
    shown.add("a", 5.0)
    assert shown.chat_of("a") is None
    for link, chat in [("x", 1), ("y", 2), ("z", 3)]:
        shown.failed(link, chat)
    assert [shown.chat_of(link) for link in "xyz"] == [None, 2, 3]  # the oldest is forgotten
