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

from bot.practice.stored_tokens import TOKEN_FIELDS

# Every Fernet token starts with its version byte 0x80, "gAAAAA" in URL-safe base64; Slack's
# tokens start with "xox". A stored value without it is a token written before encryption.
SEALED_PREFIX = "gAAAAA"

Entity = TypeVar("Entity", Installation, Bot)


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
