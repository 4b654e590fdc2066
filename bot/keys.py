"""The HMAC key that keeps answers anonymous, and the pseudonyms made with it.

The key lives outside the database: in ``YOUTHVOICE_SECRET_KEY`` or a 0600 file beside it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)


def key_path(database: Path) -> Path:
    return database.with_name(database.name + ".key")


def load_key(secret: str | None, database: Path) -> bytes:
    """The configured key, or the key file beside ``database``, created once if missing."""
    if secret:
        return secret.encode()
    path = key_path(database)
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    log.warning(
        "No YOUTHVOICE_SECRET_KEY set: created a key file at %s. Back it up with the "
        "database, and keep it out of database backups you share.",
        path,
    )
    return path.read_bytes().strip()


def link(key: bytes, checkin_id: int, user_id: int) -> str:
    """A person's pseudonym for one check-in. Without the key it cannot be reversed."""
    message = f"checkin:{checkin_id}:user:{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
