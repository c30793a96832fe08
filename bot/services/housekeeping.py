"""The daily housekeeping: old delivery ids pruned, and the data of workspaces removed more
than the retention period ago deleted (`purge_removed`, docs/deploy.md)."""

from __future__ import annotations

from datetime import datetime

from bot.db import SessionFactory, unit_of_work
from bot.practice.deliveries import prune_deliveries
from bot.practice.workspaces import purge_removed


def daily_housekeeping(sessions: SessionFactory, now: datetime) -> list[str]:
    """Old delivery ids pruned; workspaces removed past the retention period deleted (their
    team ids returned)."""
    with unit_of_work(sessions) as session:
        prune_deliveries(session, now)
        purged = purge_removed(session, now)
        session.commit()
    return purged
