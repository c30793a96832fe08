"""post-leaderboard: last week's leaderboard where due; post-season: last month's season."""

from __future__ import annotations

from datetime import datetime

from bot.jobs.registry import JobOutcome, job
from bot.runtime import Runtime
from bot.services.leaderboards import post_due_leaderboards
from bot.services.seasons import post_due_seasons


@job("post-leaderboard")
def post_leaderboard_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobOutcome:
    outcomes = post_due_leaderboards(
        runtime.sessions,
        now,
        library=runtime.library,
        publisher=runtime.adapters.leaderboards,
        channel_id=channel_id,
    )
    return JobOutcome(
        sum(1 for o in outcomes if o.status == "posted"),
        tuple(f"{o.channel_id} {o.week_start}: {o.status} {o.detail}".rstrip() for o in outcomes),
    )


@job("post-season")
def post_season_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobOutcome:
    outcomes = post_due_seasons(
        runtime.sessions,
        now,
        publisher=runtime.adapters.leaderboards,
        channel_id=channel_id,
    )
    return JobOutcome(
        sum(1 for o in outcomes if o.status == "posted"),
        tuple(f"{o.channel_id} {o.month}: {o.status} {o.detail}".rstrip() for o in outcomes),
    )
