"""Recovery's database steps: which posts' threads to read, and storing one thread as read.

The job (`bot/jobs/recovery.py`) reads each thread from Slack between these, with no
transaction open, and acknowledges the recovered answers after `store_thread` committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.db import SessionFactory, unit_of_work
from bot.practice.recovery import (
    Reconciled,
    RecoveryTarget,
    ThreadReply,
    posts_to_recover,
    reconcile_thread,
)


def recovery_targets(
    sessions: SessionFactory, now: datetime, *, due: bool, channel_id: str | None = None
) -> list[RecoveryTarget]:
    """Posts whose answers close by `now` (`due`) or are still open; read only."""
    with unit_of_work(sessions) as session:
        return posts_to_recover(session, now, due=due, channel_id=channel_id)


def store_thread(
    sessions: SessionFactory,
    target: RecoveryTarget,
    replies: Sequence[ThreadReply],
    read_at: datetime,
) -> Reconciled:
    """Store a thread as Slack showed it at `read_at`, committed."""
    with unit_of_work(sessions) as session:
        done = reconcile_thread(session, target, replies, read_at)
        session.commit()
    return done
