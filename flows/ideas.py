"""Ideas from young people, as pure rules: how long an idea may be, which worker decisions
may be made on an idea as it stands, and what young people may see of all the ideas (set-aside
ones never; small counts never; nothing about who wrote which).

Statuses are the ``storage.values.IdeaStatus`` values, as plain strings: flows imports no
storage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from flows.engine import keep_what_fits
from flows.redact import redact

# Ideas are a sentence or two: the first part of a longer one is kept (and the person told).
IDEA_LIMIT = 300
# /ideas lists at most this many approved ideas, the most backed first.
SHOWN = 8

NEW, APPROVED, MERGED, SET_ASIDE = "new", "approved", "merged", "set_aside"


class IdeaLike(Protocol):
    """What these rules read of an idea (``storage.values.Idea`` fits)."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def backers(self) -> int: ...
    @property
    def decided_on(self) -> str | None: ...


def idea_words(text: str) -> tuple[str, bool] | None:
    """The words to keep of a typed idea, and whether they were cut to fit; ``None`` when
    there are no words at all (spaces, a lone emoji or punctuation)."""
    words = text.strip()
    if not any(c.isalnum() for c in words):
        return None
    kept = keep_what_fits(words, IDEA_LIMIT)
    return kept, kept != words


def why_not(idea: IdeaLike, decision: str, into: IdeaLike | None = None) -> str | None:
    """Why a worker's ``decision`` (approved, merged, set_aside) cannot be made on ``idea``
    as it stands, in plain words; ``None`` when it can. ``into`` is a merge's target.

    A merged idea is settled (its backers count on the other idea). A new or approved idea
    may be approved, merged or set aside; a set-aside one may still be approved (a change of
    mind), never merged (its backers would show under another idea)."""
    if idea.status == MERGED:
        return "it was merged into another idea already"
    if idea.status == decision and decision != MERGED:
        return f"it is {_said(decision)} already"
    if decision == MERGED:
        if idea.status == SET_ASIDE:
            return "it was set aside; approve it first if it should count"
        if into is None:
            return "there is no idea with that code to merge it into"
        if into.id == idea.id:
            return "an idea cannot be merged into itself"
        if into.status not in (NEW, APPROVED):
            return f"the idea to merge into is {_said(into.status)}: pick a new or approved one"
    return None


def _said(status: str) -> str:
    return {NEW: "new", APPROVED: "approved", MERGED: "merged", SET_ASIDE: "set aside"}[status]


@dataclass(frozen=True)
class SharedIdea:
    """An approved idea as young people see it: its words (contact details taken out) and
    how many ideas it stands for, ``None`` when fewer than K (never a small number)."""

    text: str
    backers: int | None


@dataclass(frozen=True)
class IdeasView:
    """What young people see: how many new ideas wait (``None``: from 1 to K-1, said as "a
    few"; otherwise 0 or a multiple of K, said as "at least", so nobody can watch it go up
    one idea at a time and know whose it was), the approved ideas (most backed first), and
    whether there are more than are listed."""

    waiting: int | None
    approved: list[SharedIdea]
    more: bool


def young_view(ideas: Iterable[IdeaLike], k: int, limit: int = SHOWN) -> IdeasView:
    """What young people may see of ``ideas``: never a set-aside or merged idea's words,
    never a count from 1 to K-1, never anything about who wrote which."""
    every = list(ideas)
    waiting = sum(1 for idea in every if idea.status == NEW)
    approved = sorted((idea for idea in every if idea.status == APPROVED), key=lambda i: i.text)
    approved.sort(key=lambda idea: idea.decided_on or "", reverse=True)  # newest first
    approved.sort(key=lambda idea: -idea.backers)  # then the most backed, first of all
    shared = [
        SharedIdea(redact(idea.text), idea.backers if idea.backers >= k else None)
        for idea in approved[:limit]
    ]
    stepped = None if 0 < waiting < k else waiting - waiting % k
    return IdeasView(stepped, shared, len(approved) > limit)
