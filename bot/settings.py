"""Settings from ``YOUTHVOICE_*`` environment variables (and ``.env``), validated once at the edge.

A bad value becomes one line naming the variable and what is wrong (see ``load_settings``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from psycopg.conninfo import conninfo_to_dict
from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.keys import MAKE_ONE, MIN_KEY_LENGTH, weakness
from flows.schedule import QuietHours, parse_quiet_hours

PREFIX = "YOUTHVOICE_"
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")
MAKE_WEBHOOK_SECRET = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


class SettingsError(Exception):
    """One line for the person running the bot: which variable, and what is wrong."""


POSTGRES_SCHEMES = ("postgresql://", "postgres://")
POSTGRES_EXAMPLE = "postgresql://user:password@host:5432/youthvoice"


class PostgresUrl(SecretStr):
    """A ``postgresql://`` URL naming the database: shown (repr, logs) without its password."""

    def _display(self) -> str:
        url = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", self.get_secret_value())
        return re.sub(r"(password=)[^&]*", r"\1***", url)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    bot_token: SecretStr | None = Field(
        default=None, description="The bot's token from @BotFather. Secret; needed by `run`."
    )
    api_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL; the token is appended (python-telegram-bot's base_url).",
    )
    database: Path | PostgresUrl = Field(
        default=Path("youthvoice.db"),
        description=(
            "The SQLite database file, or a PostgreSQL database as a URL "
            f"(`{POSTGRES_EXAMPLE}`; then YOUTHVOICE_SECRET_KEY is needed)."
        ),
    )
    secret_key: SecretStr | None = Field(
        default=None,
        validate_default=True,
        description=(
            f"HMAC key that keeps answers anonymous, at least {MIN_KEY_LENGTH} characters. If "
            "unset, a key file beside the SQLite database is created once (mode 0600); with "
            "PostgreSQL it must be set. Never stored in the database."
        ),
    )
    workers: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(),
        description="Comma-separated Telegram user ids of workers. Empty means nobody.",
    )
    leads: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(),
        description="Comma-separated Telegram user ids of leads. Empty means nobody.",
    )
    open_join: bool = Field(
        default=False,
        description=(
            "Whether a plain /start, with no invite code, may join (into no group). Off by "
            "default: joining needs an invite link."
        ),
    )
    safeguarding: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(),
        description=(
            "Comma-separated Telegram user ids of the people alerted when a young person asks "
            "for someone to get in touch. Empty means nobody (young people are told so)."
        ),
    )
    min_group: int = Field(
        default=5,
        ge=3,
        le=1000,
        description=(
            "The smallest count any result, chart or export shows; smaller ones show as "
            "'fewer than N'. Finished answers are also released this many at a time. At least 3."
        ),
    )
    retention_days: int = Field(
        default=730,
        ge=30,
        le=3650,
        description=(
            "Days finished answers are kept before retention deletes them (30 to 3650). Totals "
            "already exported stay wherever they were saved."
        ),
    )
    timezone: str = Field(
        default="Europe/London", description="Time zone for schedules and quiet hours."
    )
    surveys: Path | None = Field(
        default=None, description="Folder of survey YAML files. Default: the bundled surveys."
    )
    risk_phrases: Path | None = Field(
        default=None,
        description="The file of phrases that bring support at once. Default: the bundled one.",
    )
    support_contacts: Path | None = Field(
        default=None,
        description="The file of support contacts given to young people. Default: UK contacts.",
    )
    quiet_hours: str = Field(
        default="21:00-09:00",
        description="When the bot starts no conversations (HH:MM-HH:MM, local time), or `off`.",
    )
    send_rate: float = Field(
        default=30.0, gt=0, le=1000, description="Most messages a second the bot sends overall."
    )
    chat_gap: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description="Fewest seconds between two queued messages to one chat.",
    )

    webhook_path: str = Field(
        default="/telegram",
        description="The path `run --webhook` takes Telegram's updates at (starts with /).",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description=(
            "The secret Telegram sends with each webhook update, 16 to 256 letters, digits, "
            "_ or -. Secret; needed by `run --webhook` and `webhook set`."
        ),
    )

    @field_validator("bot_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        # `YOUTHVOICE_BOT_TOKEN=` in a .env, or a pasted token with a stray space: the first is
        # "not set", the second the token without its space.
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("workers", "leads", "safeguarding", mode="before")
    @classmethod
    def _parse_ids(cls, value: Any) -> Any:
        if isinstance(value, int):
            return frozenset({value})
        if not isinstance(value, str):
            return value
        ids = set()
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            # A person's id is a positive number; negative ones are groups and channels.
            if not (part.isascii() and part.isdigit()) or int(part) == 0:
                raise ValueError(f"'{part}' is not a Telegram user id (a positive number)")
            ids.add(int(part))
        return frozenset(ids)

    @field_validator("database", mode="before")
    @classmethod
    def _file_or_url(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if "://" not in value:
            return Path(value)  # made here: a plain string could pass for either kind
        if not value.startswith(POSTGRES_SCHEMES):
            scheme = value.split("://", 1)[0]
            raise ValueError(
                f"'{scheme}://' is not a database Youth Voice knows: give a file path (SQLite) "
                f"or a PostgreSQL URL such as {POSTGRES_EXAMPLE}"
            )
        unreadable = ValueError(
            f"not a PostgreSQL URL that can be read; write it like {POSTGRES_EXAMPLE} "
            "(with special characters in the password %-encoded)"
        )
        try:
            parts = conninfo_to_dict(value)
        except Exception:  # its message may quote the URL, password and all
            raise unreadable from None
        if not all(port.isdigit() for port in str(parts.get("port", "5432")).split(",")):
            raise unreadable
        return PostgresUrl(value)

    @field_validator("secret_key")
    @classmethod
    def _hard_to_guess(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None and isinstance(info.data.get("database"), PostgresUrl):
            # Beside a SQLite file there is a folder for the key file; beside a server, none.
            raise ValueError(
                f"needed with a PostgreSQL database (the key is kept outside the database); "
                f"make one with: {MAKE_ONE}"
            )
        weak = weakness(value.get_secret_value()) if value is not None else None
        if weak is not None:
            raise ValueError(
                f"{weak}; use at least {MIN_KEY_LENGTH} random characters, for example "
                f"from: {MAKE_ONE}"
            )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram takes 1 to 256 of these; fewer than 16 would be guessable.
        if value is not None and not WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError(
                "use 16 to 256 letters, digits, _ or - (no other characters), for example "
                f"from: {MAKE_WEBHOOK_SECRET}"
            )
        return value

    @field_validator("webhook_path")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        if not value.startswith("/") or any(c.isspace() or c in "?#" for c in value):
            raise ValueError("should be a path such as /telegram (starting with /, no spaces)")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{value}' (try Europe/London)") from exc
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _valid_quiet_hours(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("should start with http:// or https://")
        return value

    @field_validator("surveys")
    @classmethod
    def _folder_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"no folder at {value}")
        return value

    @field_validator("risk_phrases", "support_contacts")
    @classmethod
    def _file_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no file at {value}")
        return value

    @property
    def database_file(self) -> Path | None:
        """The SQLite file, or None for a PostgreSQL database."""
        return None if isinstance(self.database, PostgresUrl) else self.database

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def quiet(self) -> QuietHours | None:
        return parse_quiet_hours(self.quiet_hours)


def _in_words(field: str, error: ErrorDetails) -> str:
    """What is wrong, for the person setting it: pydantic's own words for a yes/no or number
    setting ("Input should be a valid boolean") read like programmer output."""
    info = Settings.model_fields.get(field)
    kind = info.annotation if info is not None else None
    given = error["input"]
    blank = isinstance(given, str) and not given.strip()
    if kind is bool:
        return f"{'is empty' if blank else f'{given!r} is not true or false'}; use true or false"
    if info is not None and kind in (int, float):
        wanted = _number_range(kind is int, info.metadata)
        return f"is empty; give {wanted}" if blank else f"{given!r} is not {wanted}"
    return str(error["msg"]).removeprefix("Value error, ")


def _number_range(whole: bool, metadata: list[Any]) -> str:
    """ "a whole number from 3 to 1000", "a number more than 0, up to 1000", from a field's
    ge/gt/le limits."""
    limits = {n: getattr(m, n) for m in metadata for n in ("ge", "gt", "le") if hasattr(m, n)}
    words = ["a whole number" if whole else "a number"]
    if "ge" in limits:
        words.append(f"from {limits['ge']}")
    elif "gt" in limits:
        words.append(f"more than {limits['gt']},")
    if "le" in limits:
        words.append(f"{'to' if 'ge' in limits else 'up to'} {limits['le']}")
    return " ".join(words).removesuffix(",")


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning a validation error into a one-line ``SettingsError``."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "settings"
        raise SettingsError(f"{PREFIX}{field.upper()}: {_in_words(field, error)}") from None
