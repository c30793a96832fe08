"""At-most-once processing of Slack deliveries (Slack retries up to three times)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.orm import Session

from bot.db import affected, insert_for, insert_rows
from bot.models import Delivery

# Slack gives up retrying after about an hour; a day of keys is plenty.
KEEP_DELIVERIES = timedelta(days=1)


def claim_delivery(session: Session, key: str, kind: str, now: datetime) -> bool:
    """True for the first caller with this key, False for every repeat (any process)."""
    insert = insert_for(session)
    return affected(
        session,
        insert(Delivery)
        .values(key=key[:200], kind=kind[:40], received_at=now)
        .on_conflict_do_nothing(index_elements=["key"]),
    )


def claim_deliveries(session: Session, keys: list[str], kind: str, now: datetime) -> set[str]:
    """`claim_delivery` for many keys in one statement: the keys this caller took first."""
    unique = sorted({key[:200] for key in keys})
    if not unique:
        return set()
    rows = [{"key": key, "kind": kind[:40], "received_at": now} for key in unique]
    # One compiled statement for every batch size (see answers._message_upsert).
    statement, params = insert_rows(session, Delivery.__table__, rows)
    statement = statement.on_conflict_do_nothing(index_elements=["key"]).returning(Delivery.key)
    return set(session.scalars(statement, params))


def prune_deliveries(session: Session, now: datetime) -> int:
    statement = delete(Delivery).where(Delivery.received_at < now - KEEP_DELIVERIES)
    # A bulk DELETE's rowcount is exact on both databases (unlike an upsert's on psycopg).
    result = cast("CursorResult[Any]", session.execute(statement))
    return result.rowcount
