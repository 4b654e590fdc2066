"""Shuffled, batched release of finished responses: the only way answers reach ``answers``.

Inside a page of the file, rows sit in the order they were written, whatever their key. So a
finished response first waits under its person's link (table ``waiting``); once enough of one
check-in wait, or it closes, the whole batch is written in a random order with fresh random
ids and the release date, and the finished-marks in another random order. Byte positions then
tell no more than which batch a response was in. These run inside the caller's transaction,
on either store (PostgreSQL's heap pages keep write order just as SQLite's do).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from storage.base import StorageError
from storage.sql import Conn

# The operating system's randomness: a seeded generator's order could be replayed.
_SHUFFLE = secrets.SystemRandom()


def hold(
    conn: Conn,
    link: str,
    checkin_id: int,
    answers: Mapping[str, Any],
    today: str,
    batch: int,
) -> int:
    """Keep a finished response waiting under ``link`` and release the check-in's batch once
    ``batch`` responses wait. Returns how many were released (0 while they wait).

    A second finish under one link, waiting or released, raises ``StorageError``.
    """
    done = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM participation WHERE checkin_id = ? AND mark = ?)"
        " OR EXISTS (SELECT 1 FROM waiting WHERE link = ?)",
        (checkin_id, link, link),
    ).fetchone()[0]
    if done:
        raise StorageError("finish_response failed: this response was already finished")
    conn.execute(
        "INSERT INTO waiting (link, checkin_id, answers, finished_on) VALUES (?, ?, ?, ?)",
        (link, checkin_id, json.dumps(answers), today),
    )
    waits = conn.execute("SELECT count(*) FROM waiting WHERE checkin_id = ?", (checkin_id,))
    if int(waits.fetchone()[0]) < batch:
        return 0
    return release(conn, checkin_id, today)


def release(conn: Conn, checkin_id: int, today: str) -> int:
    """Write every response waiting for the check-in as one batch and delete them from
    ``waiting``; returns how many."""
    # Deleted first, and only what this statement deleted is written: two releases at once
    # (on PostgreSQL) cannot both write the same responses.
    found = conn.execute(
        "DELETE FROM waiting WHERE checkin_id = ? RETURNING link, answers", (checkin_id,)
    ).fetchall()
    if not found:
        return 0
    rows = []
    for _, answers in found:
        # Made here, never derived from the link: nothing ties answers to a person.
        response_id = secrets.token_hex(16)
        for question_id, value in json.loads(answers).items():
            rows.append((response_id, checkin_id, question_id, json.dumps(value), today))
    marks = [(checkin_id, link) for link, _ in found]
    # Two independent shuffles: the order of answers and the order of marks cannot be paired,
    # with each other or with the order in which people finished.
    _SHUFFLE.shuffle(rows)
    _SHUFFLE.shuffle(marks)
    conn.executemany(
        "INSERT INTO answers (response_id, checkin_id, question_id, value, answered_on)"
        " VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany("INSERT INTO participation (checkin_id, mark) VALUES (?, ?)", marks)
    return len(found)


def release_closed(conn: Conn, now: float, today: str) -> int:
    """Release, one batch per check-in, whatever waits for check-ins closed by ``now``;
    returns how many responses."""
    closed = conn.execute(
        "SELECT DISTINCT checkin_id FROM waiting JOIN checkins ON checkins.id = checkin_id"
        " WHERE closes_at IS NOT NULL AND closes_at <= ?",
        (now,),
    ).fetchall()
    return sum(release(conn, int(checkin_id), today) for (checkin_id,) in closed)
