"""expire-mocks: end the mock requests that waited too long, telling each user by DM; and
re-send any mock intro Slack failed to take when the match was made."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.db import unit_of_work
from bot.jobs.registry import JobResult, job
from bot.practice.mocks.queue import expire_mocks
from bot.practice.mocks.rounds import announce_round, unannounced_rounds
from bot.practice.ports import PublishError
from bot.runtime import Runtime
from bot.slack.mock_notifier import SlackMockNotifier

log = logging.getLogger(__name__)


@job("expire-mocks")
def expire_mocks_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobResult:
    """Mock requests are per workspace, not per channel: `--channel` does not narrow this."""
    with unit_of_work(runtime.sessions) as session:
        expired = expire_mocks(session, now)
    notifier = SlackMockNotifier(runtime.slack)
    details = []
    for request in expired:
        try:
            notifier.request_expired(request.team_id, request.user_id, request.note)
            details.append(f"{request.team_id} {request.user_id}: expired, told")
        except PublishError as exc:
            log.warning("could not tell %s their mock request expired: %s", request.user_id, exc)
            details.append(f"{request.team_id} {request.user_id}: expired, DM failed {exc.reason}")
    with unit_of_work(runtime.sessions) as session:
        for match_id, number in unannounced_rounds(session, now):
            try:
                sent = announce_round(
                    session, match_id, number, now, library=runtime.library, notifier=notifier
                )
            except PublishError as exc:
                details.append(f"mock {match_id} round {number}: intro failed again {exc.reason}")
                continue
            if sent:
                details.append(f"mock {match_id} round {number}: intro re-sent")
    return JobResult("expire-mocks", len(expired), tuple(details))
