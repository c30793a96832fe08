"""post-leaderboard: last week's leaderboard in every channel where it is due."""

from __future__ import annotations

from datetime import datetime

from bot.db import unit_of_work
from bot.jobs.registry import JobOutcome, job
from bot.practice.weekly_post import post_leaderboards
from bot.runtime import Runtime
from bot.slack.leaderboard_publisher import SlackLeaderboardPublisher


@job("post-leaderboard")
def post_leaderboard_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobOutcome:
    with unit_of_work(runtime.sessions) as session:
        outcomes = post_leaderboards(
            session,
            now,
            library=runtime.library,
            publisher=SlackLeaderboardPublisher(runtime.slack),
            channel_id=channel_id,
        )
        session.commit()
    return JobOutcome(
        sum(1 for o in outcomes if o.status == "posted"),
        tuple(f"{o.channel_id} {o.week_start}: {o.status} {o.detail}".rstrip() for o in outcomes),
    )
