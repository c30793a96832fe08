"""expire-mocks: end the mock requests that waited too long, telling each user by DM; and
re-send any mock intro Slack failed to take when the match was made."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.jobs.registry import JobOutcome, job
from bot.practice.ports import PublishError
from bot.runtime import Runtime
from bot.services import mocks
from bot.slack.mock_notifier import SlackMockNotifier

log = logging.getLogger(__name__)


@job("expire-mocks")
def expire_mocks_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobOutcome:
    """Mock requests are per workspace, not per channel: `--channel` does not narrow this."""
    expired = mocks.expire_requests(runtime.sessions, now)
    notifier = SlackMockNotifier(runtime.slack)
    details = []
    for request in expired:  # claimed once each: told after the commit, never twice
        try:
            notifier.request_expired(request.team_id, request.user_id, request.note)
            details.append(f"{request.team_id} {request.user_id}: expired, told")
        except PublishError as exc:
            log.warning("could not tell %s their mock request expired: %s", request.user_id, exc)
            details.append(f"{request.team_id} {request.user_id}: expired, DM failed {exc.reason}")
    details += mocks.announce_missing(
        runtime.sessions, now, library=runtime.library, notifier=notifier
    )
    return JobOutcome(len(expired), tuple(details))
