"""post-prompt: the day's prompt in every channel where it is due."""

from __future__ import annotations

from datetime import datetime

from bot import metrics
from bot.jobs.registry import JobOutcome, job
from bot.runtime import Runtime
from bot.services.prompts import post_due_prompts

# Outcomes of a channel whose prompt is due and did not go out (not "posted", "skipped"...).
UNPOSTED = frozenset({"failed", "no-content"})


@job("post-prompt")
def post_prompt_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobOutcome:
    outcomes = post_due_prompts(
        runtime.sessions,
        now,
        library=runtime.library,
        publisher=runtime.adapters.prompts,
        channel_id=channel_id,
    )
    if channel_id is None:  # a run over every channel: what is still due and not posted
        metrics.PROMPTS_UNPOSTED.set(sum(1 for o in outcomes if o.status in UNPOSTED))
    return JobOutcome(
        sum(1 for o in outcomes if o.status == "posted"),
        tuple(f"{o.channel_id} {o.local_date}: {o.status} {o.detail}".rstrip() for o in outcomes),
    )
