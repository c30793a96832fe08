"""post-leaderboard: last week's leaderboard in every channel where it is due."""

from __future__ import annotations

from datetime import datetime

from bot.jobs.registry import JobOutcome, job
from bot.runtime import Runtime
from bot.services.leaderboards import post_due_leaderboards


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
