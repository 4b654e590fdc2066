"""The HMAC key that keeps answers anonymous, and the pseudonyms made with it.

The key lives outside the database: in ``YOUTHVOICE_SECRET_KEY`` or a 0600 file beside it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

# Shorter keys can be guessed (an empty one makes every pseudonym a plain hash of the user id).
MIN_KEY_LENGTH = 32


class SecretKeyError(Exception):
    """The key file is unusable; ``str()`` is one line naming the file and the fix."""


def key_path(database: Path) -> Path:
    return database.with_name(database.name + ".key")


def load_key(secret: str | None, database: Path) -> bytes:
    """The configured key (checked by ``Settings``), or the key file beside ``database``,
    created once if missing."""
    if secret is not None:
        return secret.encode()
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
            "No YOUTHVOICE_SECRET_KEY set: created a key file at %s. Back it up with the "
            "database, and keep it out of database backups you share.",
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
    return key


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
