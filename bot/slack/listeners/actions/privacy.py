"""The forget-me confirmation buttons. Only the person who asked can confirm for themselves."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.db import unit_of_work
from bot.practice.privacy.forget import forget_user
from bot.slack.render.privacy import (
    FORGET_CANCELLED,
    FORGET_OTHER_USER,
    forget_done_text,
)

log = logging.getLogger(__name__)


def _clicker_and_target(body: dict[str, Any]) -> tuple[str, str]:
    user_id = str((body.get("user") or {}).get("id") or "")
    actions = body.get("actions") or [{}]
    action = actions[0] if isinstance(actions, list) and isinstance(actions[0], dict) else {}
    return user_id, str(action.get("value") or "")


def _team(body: dict[str, Any], context: Any) -> str:
    return str(context.team_id or (body.get("team") or {}).get("id") or "")


def on_forget_confirmed(
    ack: Any, body: dict[str, Any], client: WebClient, context: Any, respond: Any
) -> None:
    ack()
    user_id, target = _clicker_and_target(body)
    if not user_id or target != user_id:
        # A forwarded or forged button: the clicker is not the person who asked.
        log.info("refused forget-me button for %r clicked by %r", target, user_id)
        respond(text=FORGET_OTHER_USER, response_type="ephemeral", replace_original=False)
        return
    runtime = context["runtime"]
    team_id = _team(body, context)
    with unit_of_work(runtime.sessions) as session:
        report = forget_user(session, team_id, user_id, runtime.clock())
        session.commit()
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
            log.warning(
                "could not delete challenge %s in %s: %s", ts, channel_id, exc.response.get("error")
            )
    respond(text=forget_done_text(report), response_type="ephemeral", replace_original=True)


def on_forget_cancelled(ack: Any, body: dict[str, Any], respond: Any) -> None:
    ack()
    respond(text=FORGET_CANCELLED, response_type="ephemeral", replace_original=True)
