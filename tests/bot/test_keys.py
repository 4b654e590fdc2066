"""The HMAC key file: made whole or not at all, and a damaged one refused in one line."""

from __future__ import annotations

import os
import random
import secrets
from pathlib import Path

import pytest

from bot import keys
from bot.keys import MIN_KEY_LENGTH, SecretKeyError, key_path, load_key, lock_key


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
    theirs = secrets.token_hex(32)
    path.write_text(theirs)
    assert keys._create(path) is False
    assert path.read_text() == theirs
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize("content", ["", "\n", "abc123", "a" * (MIN_KEY_LENGTH - 1)])
def test_empty_or_truncated_key_file_is_refused(tmp_path: Path, content: str) -> None:
    """An empty or short key file (an HMAC with it would be guessable) stops start-up with one
    line naming the file."""
    database = tmp_path / "youthvoice.db"
    private(key_path(database), content)
    with pytest.raises(SecretKeyError) as caught:
        load_key(None, database)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{key_path(database)}: the key file is damaged")


def private(path: Path, content: str) -> None:
    path.write_text(content)
    path.chmod(0o600)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_key_file_other_users_can_read_is_refused(tmp_path: Path, mode: int) -> None:
    """A key file that the group or other users may read or change is refused in one line
    that says how to make it private; the key itself is never shown."""
    database = tmp_path / "youthvoice.db"
    path = key_path(database)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(mode)
    with pytest.raises(SecretKeyError) as caught:
        load_key(None, database)
    message = str(caught.value)
    assert message == (
        f"{path}: other users can read or change the key file (mode {mode:o}); make it "
        f"private with: chmod 600 {path}"
    )
    assert key not in message
    path.chmod(0o600)
    assert load_key(None, database) == key.encode()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("a" * 64, "uses only 1 different characters"),
        ("0123456789" * 4, "uses only 10 different characters"),
        ("abcdefghijklmnopqrstuvwxyz" * 2, "repeats the same few characters"),
    ],
)
def test_a_key_file_with_too_little_randomness_is_refused(
    tmp_path: Path, content: str, says: str
) -> None:
    """A key typed by hand (one character repeated, few different characters, a pattern) is
    refused with how to make a random one."""
    database = tmp_path / "youthvoice.db"
    private(key_path(database), content)
    with pytest.raises(SecretKeyError) as caught:
        load_key(None, database)
    message = str(caught.value)
    assert says in message
    assert "secrets.token_hex(32)" in message
    assert content not in message


def test_random_keys_pass_the_randomness_check() -> None:
    """Keys made as the README says (64 random hex characters, as the key file is made) pass:
    2,000 of them from a seeded generator, so the test never depends on luck."""
    rng = random.Random(2026)
    assert all(keys.weakness(rng.randbytes(32).hex()) is None for _ in range(2000))


def test_configured_key_is_used_and_no_file_is_made(tmp_path: Path) -> None:
    """YOUTHVOICE_SECRET_KEY (already checked by Settings) is the key; no key file appears."""
    secret = secrets.token_hex(MIN_KEY_LENGTH // 2)
    assert load_key(secret, tmp_path / "youthvoice.db") == secret.encode()
    assert not os.listdir(tmp_path)


def test_lock_keys_fit_postgresql_and_do_not_show_who_they_are_for() -> None:
    """The person's lock key several bots take in PostgreSQL (whose list of locks anyone
    connected can read) is 32 bits of a keyed hash: not the Telegram id, nor anything
    worked out from it without the key."""
    ids = [1, 2, 123_456_789, 2**31, 7_812_345_678]
    keys = [lock_key(b"k" * 32, i) for i in ids]
    assert all(-(2**31) <= k < 2**31 for k in keys)
    assert len(set(keys)) == len(keys)
    assert not set(keys) & set(ids)
    assert [lock_key(b"j" * 32, i) for i in ids] != keys
