"""post-prompt: the day's prompt in every channel where it is due."""

from __future__ import annotations

from datetime import datetime

from bot.db import unit_of_work
from bot.jobs.registry import JobResult, job
from bot.practice.deliveries import prune_deliveries
from bot.practice.posting import post_prompts
from bot.runtime import Runtime
from bot.slack.publisher import SlackPublisher


@job("post-prompt")
def post_prompt_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobResult:
    with unit_of_work(runtime.sessions) as session:
        outcomes = post_prompts(
            session,
            now,
            library=runtime.library,
            publisher=SlackPublisher(runtime.slack),
            channel_id=channel_id,
        )
        prune_deliveries(session, now)
        session.commit()
    return JobResult(
        "post-prompt",
        sum(1 for o in outcomes if o.status == "posted"),
        tuple(f"{o.channel_id} {o.local_date}: {o.status} {o.detail}".rstrip() for o in outcomes),
    )
