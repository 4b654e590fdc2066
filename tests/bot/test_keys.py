"""The HMAC key file: made whole or not at all, and a damaged one refused in one line."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

from bot import keys
from bot.keys import MIN_KEY_LENGTH, SecretKeyError, key_path, load_key


def test_key_file_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    """With no key set, a random 64-character key file (mode 0600) is made beside the
    database, reused after, and no temporary file is left behind."""
    database = tmp_path / "data" / "youthvoice.db"
    key = load_key(None, database)
    assert len(key) == 64
    assert load_key(None, database) == key
    path = key_path(database)
    assert path.read_bytes().strip() == key
    assert (path.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_crash_while_creating_the_key_leaves_no_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash while the key is being made leaves no (empty) key file, so the next start makes
    a whole key instead of using an empty one."""
    database = tmp_path / "youthvoice.db"
    real_token_hex = secrets.token_hex

    def crash(nbytes: int) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(secrets, "token_hex", crash)
    with pytest.raises(KeyboardInterrupt):
        load_key(None, database)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(secrets, "token_hex", real_token_hex)
    assert len(load_key(None, database)) == 64


def test_a_key_file_made_first_by_another_process_is_kept(tmp_path: Path) -> None:
    """If another process links its key file into place first, ours is dropped and theirs
    stays as it was."""
    path = key_path(tmp_path / "youthvoice.db")
    theirs = "t" * 64
    path.write_text(theirs)
    assert keys._create(path) is False
    assert path.read_text() == theirs
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize("content", ["", "\n", "abc123", "a" * (MIN_KEY_LENGTH - 1)])
def test_empty_or_truncated_key_file_is_refused(tmp_path: Path, content: str) -> None:
    """An empty or short key file (an HMAC with it would be guessable) stops start-up with one
    line naming the file."""
    database = tmp_path / "youthvoice.db"
    key_path(database).write_text(content)
    with pytest.raises(SecretKeyError) as caught:
        load_key(None, database)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{key_path(database)}: the key file is damaged")


def test_configured_key_is_used_and_no_file_is_made(tmp_path: Path) -> None:
    """YOUTHVOICE_SECRET_KEY (already checked by Settings) is the key; no key file appears."""
    secret = "s" * MIN_KEY_LENGTH
    assert load_key(secret, tmp_path / "youthvoice.db") == secret.encode()
    assert not os.listdir(tmp_path)
