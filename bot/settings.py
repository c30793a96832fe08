"""Settings, parsed once from the environment (and a `.env` file) into a frozen object.

A missing or malformed setting raises `SettingsError` with one line naming it; the CLI prints
that line and exits, so nothing half-configured ever starts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

from bot.assets import DEFAULT_CONTENT_DIR

DEFAULT_DATABASE_URL = "sqlite:///practice.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line naming it."""


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    slack_api_url: str = DEFAULT_SLACK_API_URL
    port: int = 3000
    content_dir: Path = DEFAULT_CONTENT_DIR  # CONTENT_DIR; unset: the packs shipped with the bot
    log_format: str = "text"  # "json" in production: one object per line
    log_level: str = "INFO"
    scheduler: bool = True  # run the in-process scheduler in `serve` and `socket`
    # MOCK_EXPIRY_HOURS: how long a /mock request waits; None: bot.practice.mocks.queue.MOCK_EXPIRY.
    mock_expiry: timedelta | None = None
    # MOCK_SLOT_MINUTES: the shortest shared time two /mock requests match on (and the slot's
    # length); None: bot.practice.mocks.availability.MIN_SLOT.
    mock_slot: timedelta | None = None
    # TOKEN_ENCRYPTION_KEYS: Fernet keys for the tokens stored in OAuth mode (first encrypts).
    token_keys: tuple[str, ...] = ()
    # METRICS_TOKEN: when set, `GET /metrics` needs `Authorization: Bearer <token>`.
    metrics_token: str | None = None
    # USER_RATE_LIMIT: slash commands plus modal submissions one member may send a minute, per
    # process (bot/slack/flood.py); 0 turns the limit off.
    user_rate_limit: int = 30
    # Seconds a Web API call may take before the client gives up (not read from the
    # environment: the simulation sets it low to make Slack timeouts cheap).
    slack_timeout: int | float = 15

    @property
    def oauth(self) -> bool:
        """Multi-workspace mode: install through OAuth instead of one bot token."""
        return bool(self.client_id and self.client_secret)

    def require_slack(self, *, socket: bool = False) -> None:
        """Stop start-up with one line when the Slack credentials for a mode are missing."""
        if not self.signing_secret and not socket:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is not set: copy it from your Slack app's Basic Information "
                "page (README, 'From create app to a first prompt'), or try `practice-bot demo` "
                "first"
            )
        if not self.oauth and not self.bot_token:
            raise SettingsError(
                "SLACK_BOT_TOKEN is not set: install the app to your workspace and copy the "
                "xoxb- token from OAuth & Permissions (see README), or set SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET for multi-workspace installs; try `practice-bot demo` first"
            )
        if socket and not self.app_token:
            raise SettingsError(
                "SLACK_APP_TOKEN is not set: Socket Mode needs an xapp- app-level token with "
                "connections:write (see README), or run `practice-bot serve` for HTTP mode"
            )


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def _token(env: Mapping[str, str], name: str, prefix: str) -> str | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    if not value.startswith(prefix):
        raise SettingsError(f"{name} is malformed: it should start with '{prefix}'")
    return value


def load_settings(
    environ: Mapping[str, str] | None = None, *, dotenv: Path | None = Path(".env")
) -> Settings:
    """Build `Settings` from `environ` (default: os.environ) over the `.env` file's values."""
    env: dict[str, str] = {}
    if dotenv is not None:
        env.update(_read_dotenv(dotenv))
    env.update(os.environ if environ is None else environ)

    # Read in this order, so the first bad setting is the one named.
    database_url = _database_url(env)
    api_url = _slack_api_url(env)
    port = _port(env)
    content_dir = _content_dir(env)
    log_format, log_level = _logging(env)
    scheduler = _scheduler(env)
    mock_expiry = _mock_expiry(env)
    mock_slot = _mock_slot(env)
    client_id, client_secret = _oauth_client(env)
    token_keys = _token_keys(env.get("TOKEN_ENCRYPTION_KEYS", ""), oauth=bool(client_id))
    user_rate_limit = _user_rate_limit(env)

    return Settings(
        bot_token=_token(env, "SLACK_BOT_TOKEN", "xoxb-"),
        signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip() or None,
        app_token=_token(env, "SLACK_APP_TOKEN", "xapp-"),
        client_id=client_id,
        client_secret=client_secret,
        database_url=database_url,
        slack_api_url=api_url,
        port=port,
        content_dir=content_dir,
        log_format=log_format,
        log_level=log_level,
        scheduler=scheduler,
        mock_expiry=mock_expiry,
        mock_slot=mock_slot,
        token_keys=token_keys,
        metrics_token=env.get("METRICS_TOKEN", "").strip() or None,
        user_rate_limit=user_rate_limit,
    )


def _database_url(env: Mapping[str, str]) -> str:
    database_url = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    if database_url.startswith("postgres://"):  # Heroku-style URLs name no driver
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    if not database_url.startswith(("sqlite:", "postgresql+psycopg:")):
        raise SettingsError(
            "DATABASE_URL is malformed: use sqlite:///FILE or postgresql://USER@HOST/DB"
        )
    return database_url


def _slack_api_url(env: Mapping[str, str]) -> str:
    api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_SLACK_API_URL
    parsed = urlparse(api_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError("SLACK_API_URL is malformed: it should be an http(s):// URL")
    return api_url if api_url.endswith("/") else api_url + "/"


def _port(env: Mapping[str, str]) -> int:
    port_text = env.get("PORT", "").strip() or "3000"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"PORT is malformed: {port_text!r} is not a port number")
    return int(port_text)


def _content_dir(env: Mapping[str, str]) -> Path:
    content_text = env.get("CONTENT_DIR", "").strip()
    content_dir = Path(content_text) if content_text else DEFAULT_CONTENT_DIR
    if not content_dir.is_dir():
        raise SettingsError(f"CONTENT_DIR is malformed: {str(content_dir)!r} is not a folder")
    return content_dir


def _logging(env: Mapping[str, str]) -> tuple[str, str]:
    """(LOG_FORMAT, LOG_LEVEL)."""
    log_format = env.get("LOG_FORMAT", "").strip().lower() or "text"
    if log_format not in ("text", "json"):
        raise SettingsError("LOG_FORMAT is malformed: use 'text' or 'json'")
    log_level = env.get("LOG_LEVEL", "").strip().upper() or "INFO"
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError("LOG_LEVEL is malformed: use DEBUG, INFO, WARNING or ERROR")
    return log_format, log_level


def _scheduler(env: Mapping[str, str]) -> bool:
    scheduler_text = env.get("SCHEDULER", "").strip().lower() or "on"
    if scheduler_text not in ("on", "off"):
        raise SettingsError("SCHEDULER is malformed: use 'on' or 'off'")
    return scheduler_text == "on"


def _mock_expiry(env: Mapping[str, str]) -> timedelta | None:
    expiry_text = env.get("MOCK_EXPIRY_HOURS", "").strip()
    if expiry_text and (not expiry_text.isdigit() or not 0 < int(expiry_text) <= 24 * 30):
        raise SettingsError("MOCK_EXPIRY_HOURS is malformed: use whole hours from 1 to 720")
    return timedelta(hours=int(expiry_text)) if expiry_text else None


def _mock_slot(env: Mapping[str, str]) -> timedelta | None:
    slot_text = env.get("MOCK_SLOT_MINUTES", "").strip()
    if slot_text and (not slot_text.isdigit() or not 15 <= int(slot_text) <= 180):
        raise SettingsError("MOCK_SLOT_MINUTES is malformed: use whole minutes from 15 to 180")
    return timedelta(minutes=int(slot_text)) if slot_text else None


def _user_rate_limit(env: Mapping[str, str]) -> int:
    limit_text = env.get("USER_RATE_LIMIT", "").strip() or "30"
    if not limit_text.isdigit() or int(limit_text) > 10_000:
        raise SettingsError(
            "USER_RATE_LIMIT is malformed: use a whole number of requests a minute (0: no limit)"
        )
    return int(limit_text)


def _oauth_client(env: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(SLACK_CLIENT_ID, SLACK_CLIENT_SECRET): both or neither."""
    client_id = env.get("SLACK_CLIENT_ID", "").strip() or None
    client_secret = env.get("SLACK_CLIENT_SECRET", "").strip() or None
    if bool(client_id) != bool(client_secret):
        missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
        raise SettingsError(f"{missing} is not set: OAuth installs need both client settings")
    return client_id, client_secret


def parse_keys(text: str) -> tuple[str, ...]:
    """The keys of TOKEN_ENCRYPTION_KEYS; ValueError names the first malformed one."""
    from cryptography.fernet import Fernet  # here, so the CLI's light commands skip it

    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"key {number} is not a Fernet key (32 url-safe base64 bytes)"
            ) from exc
    return keys


def _token_keys(text: str, *, oauth: bool) -> tuple[str, ...]:
    try:
        keys = parse_keys(text)
    except ValueError as exc:
        raise SettingsError(f"TOKEN_ENCRYPTION_KEYS is malformed: {exc}") from exc
    if oauth and not keys:
        raise SettingsError(
            "TOKEN_ENCRYPTION_KEYS is not set: OAuth mode stores workspace tokens encrypted; make "
            "a key with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'` (docs/deploy.md)"
        )
    return keys
