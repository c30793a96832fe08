"""`/mock [note] | status | cancel | stats | help`: peer mock interviews."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.db import unit_of_work
from bot.practice.mocks.matching import workspace_pack
from bot.practice.mocks.queue import MOCK_EXPIRY, MockError, cancel_mock, mock_status
from bot.practice.mocks.request import request_mock
from bot.practice.mocks.rounds import announce_round, mock_progress
from bot.practice.ports import PublishError
from bot.slack.mock_notifier import SlackMockNotifier
from bot.slack.render.fallback import SORRY
from bot.slack.render.mock import (
    HELP,
    cancel_reply,
    request_reply,
    stats_reply,
    status_reply,
)

log = logging.getLogger(__name__)

ANNOUNCE_FAILED = (
    "You're matched with <@{partner}>, but Slack refused part of the introduction ({reason}). "
    "I'll send it again within a few minutes; meanwhile you can message them directly."
)


def tz_offset_minutes(client: WebClient, user_id: str) -> int:
    """The user's UTC offset from their Slack profile (0 when Slack does not say)."""
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except SlackApiError as exc:
        log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
        return 0
    return int(user.get("tz_offset") or 0) // 60


def mock_command(
    ack: Any, command: dict[str, Any], respond: Any, client: WebClient, context: Any
) -> None:
    ack()
    context["runtime"].defer(
        lambda: handle_mock(command, respond, client, context),
        on_error=lambda: respond(text=SORRY, response_type="ephemeral"),
    )


def handle_mock(command: dict[str, Any], respond: Any, client: WebClient, context: Any) -> None:
    """The work of a `/mock` command, after the ack (users.info, matching, the group DM)."""
    runtime = context["runtime"]
    text = str(command.get("text") or "").strip()
    team_id = str(command.get("team_id") or context.team_id or "")
    user_id = str(command.get("user_id") or "")
    word = text.lower()

    def reply(message: str) -> None:
        respond(text=message, response_type="ephemeral")

    if word == "help":
        reply(HELP)
        return
    now = runtime.clock()
    # Every reply below is sent after its unit of work has closed: no Slack call (nor a
    # response_url post) while a transaction is open.
    if word == "status":
        with unit_of_work(runtime.sessions) as session:
            status = mock_status(session, team_id, user_id, now)
        reply(status_reply(status))
        return
    if word == "cancel":
        with unit_of_work(runtime.sessions) as session:
            cancelled = cancel_mock(session, team_id, user_id, now)
        reply(cancel_reply(cancelled))
        return
    if word == "stats":
        with unit_of_work(runtime.sessions) as session:
            progress = mock_progress(session, team_id, user_id)
            try:
                # Every criterion, retired ones too: stats span rubric changes.
                rubric = workspace_pack(session, team_id, runtime.library).all_criteria()
            except MockError:  # no content installed: criterion ids stand in for names
                rubric = ()
            names = {c.id: c.name for c in rubric}
        reply(stats_reply(progress, names))
        return
    offset = tz_offset_minutes(client, user_id)
    expiry = runtime.settings.mock_expiry or MOCK_EXPIRY
    try:
        with unit_of_work(runtime.sessions) as session:
            outcome = request_mock(
                session, team_id, user_id, text, offset, now, library=runtime.library, expiry=expiry
            )
    except MockError as exc:
        reply(str(exc))
        return
    log.info("/mock by %s in %s: %s", user_id, team_id, outcome.status)
    if outcome.status == "matched" and outcome.match_id is not None:
        try:
            # Its own unit of work: announce_round commits each claim before calling Slack.
            with unit_of_work(runtime.sessions) as session:
                announce_round(
                    session,
                    outcome.match_id,
                    1,
                    now,
                    library=runtime.library,
                    notifier=SlackMockNotifier(runtime.slack),
                )
        except PublishError as exc:
            log.error("could not announce mock %s: %s", outcome.match_id, exc.reason)
            reply(ANNOUNCE_FAILED.format(partner=outcome.partner_id, reason=exc.reason))
            return
    reply(request_reply(outcome))
