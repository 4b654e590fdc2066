"""Settings: defaults, environment and ``.env``, id lists, one-line errors, and the README table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import PREFIX, Settings, SettingsError, load_settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults() -> None:
    """With nothing set, every setting has its documented default."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.bot_token is None
    assert settings.api_url == "https://api.telegram.org/bot"
    assert settings.database == Path("youthvoice.db")
    assert settings.secret_key is None
    assert settings.workers == frozenset()
    assert settings.leads == frozenset()
    assert settings.safeguarding == frozenset()
    assert settings.min_group == 5
    assert settings.timezone == "Europe/London"
    assert settings.surveys is None
    assert settings.quiet_hours == "21:00-09:00"
    assert settings.send_rate == 30.0
    assert settings.chat_gap == 1.0
    assert settings.webhook_path == "/telegram"
    assert settings.webhook_secret is None
    assert settings.quiet is not None
    assert str(settings.zone) == "Europe/London"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each YOUTHVOICE_* variable sets its field."""
    monkeypatch.setenv("YOUTHVOICE_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("YOUTHVOICE_DATABASE", str(tmp_path / "x.db"))
    monkeypatch.setenv("YOUTHVOICE_TIMEZONE", "America/New_York")
    monkeypatch.setenv("YOUTHVOICE_QUIET_HOURS", "off")
    monkeypatch.setenv("YOUTHVOICE_SEND_RATE", "5")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == "123:abc"
    assert settings.database == tmp_path / "x.db"
    assert settings.timezone == "America/New_York"
    assert settings.quiet is None
    assert settings.send_rate == 5.0


def test_dotenv_file_in_the_working_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A .env file in the working folder is read; a real environment variable wins over it."""
    (tmp_path / ".env").write_text(
        "YOUTHVOICE_BOT_TOKEN=999:from-dotenv\n"
        "YOUTHVOICE_WORKERS=11111111,22222222\n"
        "YOUTHVOICE_TIMEZONE=Europe/Dublin\n"
        "SOMETHING_ELSE=ignored\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("YOUTHVOICE_TIMEZONE", "Europe/Paris")
    settings = load_settings()
    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == "999:from-dotenv"
    assert settings.workers == frozenset({11111111, 22222222})
    assert settings.timezone == "Europe/Paris"


def test_explicit_env_file(tmp_path: Path) -> None:
    """``_env_file`` points at any file in dotenv format."""
    path = tmp_path / "youthvoice.env"
    path.write_text("YOUTHVOICE_LEADS=5\nYOUTHVOICE_CHAT_GAP=2.5\n")
    settings = Settings(_env_file=path)  # type: ignore[call-arg]
    assert settings.leads == frozenset({5})
    assert settings.chat_gap == 2.5


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("", frozenset()),
        ("  ", frozenset()),
        ("42", frozenset({42})),
        ("1,2,3", frozenset({1, 2, 3})),
        (" 1 , 2 ,, 3 , ", frozenset({1, 2, 3})),
        ("7,7", frozenset({7})),
    ],
)
def test_comma_separated_ids(
    monkeypatch: pytest.MonkeyPatch, text: str, ids: frozenset[int]
) -> None:
    """Worker and lead ids are a comma-separated list; blanks and repeats are ignored."""
    monkeypatch.setenv("YOUTHVOICE_WORKERS", text)
    monkeypatch.setenv("YOUTHVOICE_LEADS", text)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.workers == ids
    assert settings.leads == ids


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("YOUTHVOICE_WORKERS", "abc", "'abc' is not a Telegram user id (a positive number)"),
        ("YOUTHVOICE_LEADS", "12,@sam", "'@sam' is not a Telegram user id"),
        ("YOUTHVOICE_WORKERS", "-1001234", "'-1001234' is not a Telegram user id"),
        ("YOUTHVOICE_LEADS", "1;2", "'1;2' is not a Telegram user id"),
        ("YOUTHVOICE_TIMEZONE", "Mars/Base", "unknown time zone 'Mars/Base'"),
        ("YOUTHVOICE_QUIET_HOURS", "nonsense", ""),
        ("YOUTHVOICE_QUIET_HOURS", "09:00-09:00", "different times"),
        ("YOUTHVOICE_API_URL", "ftp://example.org", "http"),
        ("YOUTHVOICE_SEND_RATE", "0", "'0' is not a number more than 0, up to 1000"),
        ("YOUTHVOICE_CHAT_GAP", "-1", "'-1' is not a number from 0 to 60"),
        ("YOUTHVOICE_SURVEYS", "/no/such/folder", "no folder at /no/such/folder"),
        ("YOUTHVOICE_RISK_PHRASES", "/no/such/file.yaml", "no file at /no/such/file.yaml"),
        ("YOUTHVOICE_SUPPORT_CONTACTS", "/tmp", "no file at /tmp"),
        ("YOUTHVOICE_SECRET_KEY", "", "is 0 characters"),
        ("YOUTHVOICE_SECRET_KEY", "x" * 31, "is 31 characters, too short"),
        ("YOUTHVOICE_SECRET_KEY", "a" * 32, "uses only 1 different characters"),
        ("YOUTHVOICE_SECRET_KEY", "password" * 4, "uses only 7 different characters"),
        ("YOUTHVOICE_SECRET_KEY", "abcdefghijklmnopq" * 2, "repeats the same few characters"),
        ("YOUTHVOICE_SAFEGUARDING", "@lead", "'@lead' is not a Telegram user id"),
        ("YOUTHVOICE_MIN_GROUP", "2", "'2' is not a whole number from 3 to 1000"),
        ("YOUTHVOICE_MIN_GROUP", "five", "'five' is not a whole number from 3 to 1000"),
        ("YOUTHVOICE_MIN_GROUP", "", "is empty; give a whole number from 3 to 1000"),
        ("YOUTHVOICE_RETENTION_DAYS", "2.5", "'2.5' is not a whole number from 30 to 3650"),
        ("YOUTHVOICE_CHAT_GAP", "nan", "'nan' is not a number from 0 to 60"),
        ("YOUTHVOICE_SEND_RATE", "inf", "'inf' is not a number more than 0, up to 1000"),
        ("YOUTHVOICE_OPEN_JOIN", "maybe", "'maybe' is not true or false; use true or false"),
        ("YOUTHVOICE_OPEN_JOIN", " ", "is empty; use true or false"),
    ],
)
def test_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str, says: str
) -> None:
    """A bad value raises SettingsError: one line, starting with the variable's name."""
    monkeypatch.setenv(variable, value)
    monkeypatch.chdir(tmp_path)  # no .env here
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{variable}: ")
    assert says in message


@pytest.mark.parametrize(
    "field",
    [n for n, f in Settings.model_fields.items() if f.annotation in (bool, int, float)],
)
def test_every_yes_no_and_number_setting_says_what_it_takes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, field: str
) -> None:
    """Regression: YOUTHVOICE_OPEN_JOIN=maybe said "Input should be a valid boolean" and
    YOUTHVOICE_CHAT_GAP=nan "Input should be less than or equal to 60". Every yes/no and
    number setting now says what it takes, in words."""
    monkeypatch.setenv(f"{PREFIX}{field.upper()}", "nan")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "Input should" not in message
    assert re.fullmatch(
        rf"{PREFIX}{field.upper()}: 'nan' is not (true or false; use true or false|"
        r"a (whole )?number (from \d+ to|more than \d+, up to) \d+)",
        message,
    ), message


@pytest.mark.parametrize(("value", "token"), [("", None), (" \t ", None), (" 1:abc\n", "1:abc")])
def test_a_blank_token_is_unset_and_spaces_around_one_are_dropped(
    monkeypatch: pytest.MonkeyPatch, value: str, token: str | None
) -> None:
    """An empty YOUTHVOICE_BOT_TOKEN is no token (so every command says it is not set), and a
    pasted token keeps no stray space."""
    monkeypatch.setenv("YOUTHVOICE_BOT_TOKEN", value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    got = settings.bot_token.get_secret_value() if settings.bot_token else None
    assert got == token


def test_secrets_are_hidden_in_repr() -> None:
    """The token, the key and the webhook secret never show in a repr or str of the settings."""
    key = "k3y-value-665bf0e9cfa87381487f8082f5c0"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token="123:topsecret",
        secret_key=key,
        webhook_secret="w3bhook-secret_0123456789",
    )
    for shown in (repr(settings), str(settings)):
        assert "topsecret" not in shown
        assert "k3y-value" not in shown
        assert "w3bhook" not in shown


def test_a_short_secret_key_is_not_shown_in_its_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one-line error for a too-short YOUTHVOICE_SECRET_KEY never repeats the key."""
    monkeypatch.setenv("YOUTHVOICE_SECRET_KEY", "hunter2-secret")
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert "hunter2" not in str(caught.value)


def test_every_field_has_a_description() -> None:
    """Every setting says what it is for (the README table and --help draw on it)."""
    for name, field in Settings.model_fields.items():
        assert field.description, f"Settings.{name} has no description"


def test_every_setting_is_documented_in_the_readme() -> None:
    """README.md's settings table has a row for every Settings field, and none for settings
    that do not exist."""
    assert README.exists(), "README.md is missing"
    text = README.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|\s*`(YOUTHVOICE_[A-Z_]+)`\s*\|", text, flags=re.MULTILINE))
    expected = {PREFIX + name.upper() for name in Settings.model_fields}
    assert expected - documented == set(), "settings missing from README's table"
    assert documented - expected == set(), "README documents settings that do not exist"
