"""Cohorts: groups of young people, each with its own invite code and link, and how many
have joined each (and how many joined with no group)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from bot.actions.errors import ActionError
from storage.base import Cohort, Store

# Invite codes avoid look-alike characters (0/O, 1/l/I) so they can be read out loud.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


@dataclass(frozen=True)
class CohortSummary:
    """A cohort as staff see it: its invite link and how many have joined (``cohort`` is
    ``None`` for the people who joined with no group)."""

    cohort: Cohort | None
    joined: int
    link: str | None


def invite_link(bot_username: str | None, code: str) -> str:
    """The deep link that opens the bot with this code (a placeholder name until the bot has
    run once and recorded its own)."""
    return f"https://t.me/{bot_username or '<your_bot>'}?start={code}"


async def add_cohort(store: Store, name: str, today: str) -> tuple[Cohort, str]:
    """Create a cohort with a fresh invite code; returns it and its invite link. Raises for a
    blank name or one already taken."""
    name = name.strip()
    if not name:
        raise ActionError("name", 'a cohort needs a name, for example "North Forum"')
    if await store.cohort_by_name(name) is not None:
        raise ActionError("name", f"there is already a cohort called '{name}'")
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    cohort = await store.add_cohort(name, code, today)
    return cohort, invite_link(await store.get_meta("bot_username"), code)


async def summaries(store: Store) -> list[CohortSummary]:
    """Every cohort with its link and joined count, then (if anyone) those in no group."""
    counts = await store.contact_counts()
    username = await store.get_meta("bot_username")
    found = [
        CohortSummary(c, counts.get(c.id, 0), invite_link(username, c.invite_code))
        for c in await store.cohorts()
    ]
    if counts.get(None):
        found.append(CohortSummary(None, counts[None], None))
    return found


async def bot_named(store: Store) -> bool:
    """Whether the bot has run once, so invite links carry its real name."""
    return await store.get_meta("bot_username") is not None
