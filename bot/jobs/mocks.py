"""expire-mocks: the mock due work (bot/services/mock_due.py): match the queues again, end the
requests that waited too long (telling each owner why), send the reminders and check-ins due,
reveal feedback whose time came, and re-send any intro Slack failed to take."""

from __future__ import annotations

from datetime import datetime

from bot.jobs.registry import JobOutcome, job
from bot.runtime import Runtime
from bot.services.mock_due import expire_due


@job("expire-mocks")
def expire_mocks_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobOutcome:
    """Mock requests are per workspace, not per channel: `--channel` does not narrow this."""
    done = expire_due(
        runtime.sessions,
        now,
        library=runtime.library,
        notifier=runtime.adapters.mocks(now),
        slot_length=runtime.settings.mock_slot,
    )
    return JobOutcome(done.done, done.details)
