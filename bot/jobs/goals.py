"""goal-dms: target interviews' weekly plans, daily drills and "how did it go?" DMs."""

from __future__ import annotations

from datetime import datetime

from bot.jobs.registry import JobOutcome, job
from bot.runtime import Runtime
from bot.services.drills import send_due_drill_briefs
from bot.services.goals import send_due_goal_dms
from bot.slack.goal_notifier import SlackGoalNotifier


@job("goal-dms")
def goal_dms_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobOutcome:
    """Goals are per member of a workspace, not per channel: `--channel` does not narrow this."""
    notifier = SlackGoalNotifier(runtime.adapters.dms(now))
    sent = send_due_goal_dms(runtime.sessions, now, library=runtime.library, send=notifier.send)
    # Drill reviews' briefs held in quiet hours or refused by Slack go on a later run.
    sent += send_due_drill_briefs(
        runtime.sessions, now, library=runtime.library, notifier=runtime.adapters.reviews(now)
    )
    return JobOutcome(sent, ())
