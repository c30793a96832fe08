"""Once-per-period claims: a row keyed by (channel, period) taken before Slack is called.

The unique key decides between racing processes. A claim whose process died between the
claim and storing the message ts is taken over once it is older than `CLAIM_LEASE`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from bot.db import affected, insert_for

# A claim with no message ts (its process died mid-call) may be taken over after this.
CLAIM_LEASE = timedelta(minutes=5)


class Claimed(Enum):
    NEW = "new"
    TAKEOVER = "takeover"  # an earlier attempt may have posted without storing its ts


# The message ts of a period that had nothing to post (a quiet week or month): done too, so
# that the every-minute tick does not tally it again (found by the busy-morning benchmark:
# a thousand quiet channels cost a tally each, every minute).
QUIET = "quiet"


def mark_quiet(session: Session, model: Any, key: dict[str, Any], now: datetime) -> None:
    """Record that the period of `key` had nothing to post; the caller commits."""
    claim(session, model, key, {"claimed_at": now, "message_ts": QUIET}, now)


def not_held(
    session: Session,
    model: Any,
    period: Any,
    candidates: list[tuple[int, date]],
    now: datetime,
) -> list[tuple[int, date]]:
    """The (channel pk, period) `candidates` whose claim row is not held at `now` (`period`:
    the model's period column): one read for every channel, as the scans run every minute."""
    if not candidates:
        return []
    done = {
        (pk, when)
        for pk, when in session.execute(
            select(model.channel_pk, period).where(
                period.in_({when for _pk, when in candidates}), held(model, now)
            )
        )
    }
    return [candidate for candidate in candidates if candidate not in done]


def held(model: Any, now: datetime) -> ColumnElement[bool]:
    """Rows that count as done or in hand at `now`: posted, or claimed within the lease."""
    return or_(model.message_ts.is_not(None), model.claimed_at > now - CLAIM_LEASE)


def claim(
    session: Session, model: Any, key: dict[str, Any], values: dict[str, Any], now: datetime
) -> Claimed | None:
    """Insert the claim row for `key`, or take over a stale one; None when another holds it.

    `values` are the row's other columns (including `claimed_at`); the caller commits.
    """
    insert = insert_for(session)
    if affected(
        session,
        insert(model).values(**key, **values).on_conflict_do_nothing(index_elements=list(key)),
    ):
        return Claimed.NEW
    stale = and_(
        *(getattr(model, column) == value for column, value in key.items()),
        model.message_ts.is_(None),
        model.claimed_at <= now - CLAIM_LEASE,
    )
    if affected(session, update(model).where(stale).values(**values)):
        return Claimed.TAKEOVER
    return None
