"""slack-sdk's stored installation rows, as the domain sees them: which token columns still
hold a token written before encryption was on, and writing them sealed (the caller commits).

The sealing itself (Fernet, `TOKEN_ENCRYPTION_KEYS`) is the Slack adapter's
(`bot/slack/token_crypto.py`); here it is a function handed in.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.models import SLACK_BOTS, SLACK_INSTALLATIONS, SLACK_METADATA

TOKEN_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")


def seal_plain_tokens(
    session: Session, seal: Callable[[str | None], str | None], sealed_prefix: str
) -> int:
    """Seal every stored token that does not start with `sealed_prefix`; returns how many
    rows changed."""
    changed = 0
    for name in (SLACK_INSTALLATIONS, SLACK_BOTS):
        table = SLACK_METADATA.tables[name]
        columns = [c for c in table.columns if c.name in TOKEN_FIELDS]
        plain = or_(*(and_(c.is_not(None), c.not_like(f"{sealed_prefix}%")) for c in columns))
        for row in session.execute(select(table.c.id, *columns).where(plain)).mappings().all():
            values = {c.name: seal(row[c.name]) for c in columns}
            session.execute(update(table).where(table.c.id == row["id"]).values(**values))
            changed += 1
    return changed
