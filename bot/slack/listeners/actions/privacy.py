"""The forget-me confirmation buttons. Only the person who asked can confirm for themselves."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime import runtime_of
from bot.services import privacy
from bot.slack.errors import slack_error
from bot.slack.payloads import Interaction
from bot.slack.render.privacy import (
    FORGET_CANCELLED,
    FORGET_OTHER_USER,
    forget_done_text,
)

log = logging.getLogger(__name__)


def on_forget_confirmed(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    seen = Interaction.of(body, context.team_id)
    user_id, target = seen.user_id, seen.value
    if not user_id or target != user_id:
        # A forwarded or forged button: the clicker is not the person who asked.
        log.info("refused forget-me button for %r clicked by %r", target, user_id)
        respond(text=FORGET_OTHER_USER, response_type="ephemeral", replace_original=False)
        return
    runtime = runtime_of(context)
    team_id = seen.team_id
    report = privacy.forget(runtime.sessions, team_id, user_id, runtime.clock())
    log.info(
        "forgot user %s in %s as %s (%d answers, %d votes, %d mocks)",
        user_id,
        team_id,
        report.token,
        report.answers,
        report.votes,
        report.mock_matches,
    )
    for channel_id, ts in report.bot_messages:
        try:
            client.chat_delete(channel=channel_id, ts=ts)
        except SlackApiError as exc:
            log.warning("could not delete challenge %s in %s: %s", ts, channel_id, slack_error(exc))
    respond(text=forget_done_text(report), response_type="ephemeral", replace_original=True)


def on_forget_cancelled(ack: Ack, respond: Respond) -> None:
    ack()
    respond(text=FORGET_CANCELLED, response_type="ephemeral", replace_original=True)
