"""expire-mocks: end the mock requests that waited too long, telling each user by DM; and
re-send any mock intro Slack failed to take when the match was made."""

from __future__ import annotations

from datetime import datetime

from bot.jobs.registry import JobOutcome, job
from bot.runtime import Runtime
from bot.services.mocks import expire_due
from bot.slack.dm import direct_messages
from bot.slack.mock_notifier import SlackMockNotifier


@job("expire-mocks")
def expire_mocks_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobOutcome:
    """Mock requests are per workspace, not per channel: `--channel` does not narrow this."""
    done = expire_due(
        runtime.sessions,
        now,
        library=runtime.library,
        notifier=SlackMockNotifier(direct_messages(runtime, now)),
    )
    return JobOutcome(done.expired, done.details)
