"""post-prompt: the day's prompt in every channel where it is due.

Its due work also does the daily housekeeping: old delivery ids are pruned, and the data of
workspaces removed more than the retention period ago is deleted (`purge_removed`).
"""

from __future__ import annotations

from datetime import datetime

from bot import metrics
from bot.db import unit_of_work
from bot.jobs.registry import JobResult, job
from bot.practice.deliveries import prune_deliveries
from bot.practice.posting import post_prompts
from bot.practice.workspaces import purge_removed
from bot.runtime import Runtime
from bot.slack.publisher import SlackPublisher

# Outcomes of a channel whose prompt is due and did not go out (not "posted", "skipped"...).
UNPOSTED = frozenset({"failed", "no-content"})


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
        purged = purge_removed(session, now)
        session.commit()
    if channel_id is None:  # a run over every channel: what is still due and not posted
        metrics.PROMPTS_UNPOSTED.set(sum(1 for o in outcomes if o.status in UNPOSTED))
    return JobResult(
        "post-prompt",
        sum(1 for o in outcomes if o.status == "posted"),
        tuple(f"{o.channel_id} {o.local_date}: {o.status} {o.detail}".rstrip() for o in outcomes)
        + tuple(f"workspace {team_id}: data deleted (removed)" for team_id in purged),
    )
