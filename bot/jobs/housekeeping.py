"""housekeeping: what the database sheds each day (bot/services/housekeeping.py)."""

from __future__ import annotations

from datetime import datetime

from bot.jobs.registry import JobOutcome, job
from bot.runtime import Runtime
from bot.services.housekeeping import daily_housekeeping


@job("housekeeping")
def housekeeping_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobOutcome:
    purged = daily_housekeeping(runtime.sessions, now)
    return JobOutcome(
        len(purged), tuple(f"workspace {team_id}: data deleted (removed)" for team_id in purged)
    )
