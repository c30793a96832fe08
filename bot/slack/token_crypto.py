"""Workspace tokens encrypted at rest (OAuth mode).

slack-sdk's SQLAlchemy installation store keeps each workspace's bot and user tokens (and
their refresh tokens) in our database. `EncryptedInstallationStore` encrypts them before they
are written and decrypts them as they are read, with Fernet keys from `TOKEN_ENCRYPTION_KEYS`
(comma-separated). The first key encrypts; every key decrypts, so a key is rotated by putting
a new one first, restarting, and dropping the old one once every token was written again
(tokens are re-encrypted whenever they are saved: install, refresh).

A backup of the database then holds no usable token without the key, which lives in the
environment, not in the database.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine, and_, or_, select, update

# Every Fernet token starts with its version byte 0x80, "gAAAAA" in URL-safe base64; Slack's
# tokens start with "xox". A stored value without it is a token written before encryption.
SEALED_PREFIX = "gAAAAA"
TOKEN_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")

Entity = TypeVar("Entity", Installation, Bot)


def parse_keys(text: str) -> tuple[str, ...]:
    """The keys of TOKEN_ENCRYPTION_KEYS; ValueError names the first malformed one."""
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"key {number} is not a Fernet key (32 url-safe base64 bytes)"
            ) from exc
    return keys


class TokenCipher:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("no token encryption key")
        self._fernet = MultiFernet([Fernet(k) for k in keys])

    def seal(self, value: str | None) -> str | None:
        if value is None or value.startswith(SEALED_PREFIX):
            return value
        return self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        if value is None or not value.startswith(SEALED_PREFIX):
            return value
        try:
            return self._fernet.decrypt(value.encode()).decode()
        except InvalidToken as exc:
            raise InvalidToken(
                "a stored Slack token does not decrypt with any TOKEN_ENCRYPTION_KEYS key"
            ) from exc

    def sealed(self, entity: Entity) -> Entity:
        out = copy.copy(entity)
        for name in TOKEN_FIELDS:
            if hasattr(out, name):
                setattr(out, name, self.seal(getattr(out, name)))
        return out

    def opened(self, entity: Entity | None) -> Entity | None:
        if entity is not None:
            for name in TOKEN_FIELDS:
                if hasattr(entity, name):
                    setattr(entity, name, self.open(getattr(entity, name)))
        return entity


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    """slack-sdk's SQLAlchemy installation store, whose token columns hold ciphertext."""

    def __init__(self, *args: Any, cipher: TokenCipher, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cipher = cipher

    def save(self, installation: Installation) -> None:
        # slack-sdk's save also calls save_bot with the (already sealed) bot: seal is idempotent.
        super().save(self.cipher.sealed(installation))

    def save_bot(self, bot: Bot) -> None:
        super().save_bot(self.cipher.sealed(bot))

    def find_bot(self, **kwargs: Any) -> Bot | None:
        return self.cipher.opened(super().find_bot(**kwargs))

    def find_installation(self, **kwargs: Any) -> Installation | None:
        return self.cipher.opened(super().find_installation(**kwargs))


def seal_stored_tokens(engine: Engine, cipher: TokenCipher) -> int:
    """Encrypt tokens stored before encryption was on (an upgrade); returns how many rows."""
    from bot.models import SLACK_BOTS, SLACK_INSTALLATIONS, SLACK_METADATA

    changed = 0
    with engine.begin() as connection:
        for name in (SLACK_INSTALLATIONS, SLACK_BOTS):
            table = SLACK_METADATA.tables[name]
            columns = [c for c in table.columns if c.name in TOKEN_FIELDS]
            plain = or_(*(and_(c.is_not(None), c.not_like(f"{SEALED_PREFIX}%")) for c in columns))
            for row in connection.execute(select(table.c.id, *columns).where(plain)).mappings():
                values = {c.name: cipher.seal(row[c.name]) for c in columns}
                connection.execute(update(table).where(table.c.id == row["id"]).values(**values))
                changed += 1
    return changed
