"""The HMAC key that keeps answers anonymous, and the pseudonyms made with it.

The key lives outside the database: in ``YOUTHVOICE_SECRET_KEY`` or a 0600 file beside it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import stat
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

# Shorter keys can be guessed (an empty one makes every pseudonym a plain hash of the user id).
MIN_KEY_LENGTH = 32
# A key typed by hand ("aaaa...", "password1234...", a phrase repeated) has few different
# characters or repeats itself. A random hex key of 32 or more characters almost always uses 12
# or more of its 16 (about one in sixty of the shortest misses; of the 64 we make, about one
# in six million), so fewer than this many distinct characters is refused.
MIN_DISTINCT = 12


class SecretKeyError(Exception):
    """The key file is unusable; ``str()`` is one line naming the file and the fix."""


def weakness(key: str) -> str | None:
    """Why ``key`` is too easy to guess, in a few words, or ``None`` if it is not."""
    if len(key) < MIN_KEY_LENGTH:
        return f"is {len(key)} characters, too short to keep answers anonymous"
    if len(set(key)) < MIN_DISTINCT:
        return f"uses only {len(set(key))} different characters, too few to be random"
    for period in range(1, len(key) // 2 + 1):
        if all(key[i] == key[i - period] for i in range(period, len(key))):
            return "repeats the same few characters over and over, so it is not random"
    return None


MAKE_ONE = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


def key_path(database: Path) -> Path:
    return database.with_name(database.name + ".key")


def load_key(secret: str | None, database: Path | None) -> bytes:
    """The configured key (checked by ``Settings``), or the key file beside the SQLite file
    ``database``, created once if missing (None: a PostgreSQL database, where ``Settings``
    requires the key to be set)."""
    if secret is not None:
        return secret.encode()
    if database is None:
        raise SecretKeyError(f"set YOUTHVOICE_SECRET_KEY, for example from: {MAKE_ONE}")
    path = key_path(database)
    try:
        created = not path.exists() and _create(path)
    except OSError as exc:
        raise SecretKeyError(
            f"{path}: cannot write the key file ({_reason(exc)}); make its folder writable "
            "for this user, or set YOUTHVOICE_SECRET_KEY"
        ) from exc
    if created:
        log.warning(
            "No YOUTHVOICE_SECRET_KEY set: created a key file at %s. Back it up, but apart "
            "from the database's backups: with both, answers not yet released can be linked "
            "to people.",
            path,
        )
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise SecretKeyError(
            f"{path}: cannot read the key file ({_reason(exc)}); make it a readable file, "
            "or restore it from your backup"
        ) from exc
    if len(key) < MIN_KEY_LENGTH:
        raise SecretKeyError(
            f"{path}: the key file is damaged ({len(key)} characters, a key has at least "
            f"{MIN_KEY_LENGTH}); restore it from your backup (a new key would make everyone's "
            "earlier check-ins unrecognisable)"
        )
    _refuse_open_to_others(path)
    weak = weakness(key.decode(errors="replace"))
    if weak is not None:
        raise SecretKeyError(
            f"{path}: the key {weak}; replace the file with a random key from: {MAKE_ONE} "
            "(people part-way through a check-in will start it again)"
        )
    return key


def saved_key(secret: str | None, database: Path | None) -> bytes:
    """The key if there is one (set, or its file beside ``database``), else ``b""``: for
    commands that only read, which must never make a key (a new one would not match the
    marks the bot made with the old)."""
    if secret is None and (database is None or not key_path(database).exists()):
        return b""
    return load_key(secret, database)


def _refuse_open_to_others(path: Path) -> None:
    """Anyone who can read the key and the database can link people to their unfinished
    answers: a key file other users may read is refused until it is made private."""
    try:
        found = path.stat()
    except OSError:
        return  # reading it says why
    mode = found.st_mode & 0o777
    if stat.S_ISREG(found.st_mode) and mode & 0o077:
        raise SecretKeyError(
            f"{path}: other users can read or change the key file (mode {mode:o}); make it "
            f"private with: chmod 600 {path}"
        )


def _reason(exc: OSError) -> str:
    """The operating system's reason in a few words, without the path it names again."""
    return (exc.strerror or type(exc).__name__).lower()


def _create(path: Path) -> bool:
    """Write a new random key to ``path``, all or nothing: a complete, synced 0600 temporary
    file is linked into place, so a crash never leaves a short key. False if another process
    made the file first (theirs is then used)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
    finally:
        os.unlink(temporary)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # so the new name survives a power cut too
    finally:
        os.close(folder)
    return True


def link(key: bytes, checkin_id: int, user_id: int) -> str:
    """A person's pseudonym for one check-in. Without the key it cannot be reversed.

    Callers pass the chat id of a private chat, which Telegram makes equal to the user id;
    the bot answers in private chats only."""
    message = f"checkin:{checkin_id}:user:{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def note_link(key: bytes, user_id: int) -> str:
    """A person's pseudonym while the bot waits for their "Tell us more" words (never kept
    with the words themselves)."""
    message = f"update-note:user:{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def idea_link(key: bytes, user_id: int) -> str:
    """A person's pseudonym while the bot waits for their idea after a bare /idea (never kept
    with the idea itself)."""
    message = f"idea:user:{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def lock_key(key: bytes, user_id: int) -> int:
    """A person's key for the lock several bots on one database take while one handles their
    update: 32 bits of a keyed hash, so the server's list of locks, which anyone connected
    can read, never shows who is talking to the bot (two people may share one now and then,
    and only wait for each other)."""
    digest = hmac.new(key, f"lock:user:{user_id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big", signed=True)
