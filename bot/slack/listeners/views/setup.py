"""Saving the setup modal: field problems go back into the modal; success is confirmed."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.practice.channels import validate_settings
from bot.services.channels import enrolled, save_setup
from bot.slack.permissions import can_manage
from bot.slack.render.channel import schedule_line
from bot.slack.render.setup import FIELDS, SubmissionError, read_submission

log = logging.getLogger(__name__)


def on_setup_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any, client: WebClient
) -> None:
    runtime = context["runtime"]
    channel_id = str(view.get("private_metadata") or "")
    user_id = str((body.get("user") or {}).get("id") or "")
    try:
        values = read_submission((view.get("state") or {}).get("values") or {})
    except SubmissionError as exc:
        ack(response_action="errors", errors={exc.field: str(exc)})
        return
    problems = validate_settings(values, set(runtime.library.packs))
    if problems:
        errors = {f: msg for f, msg in problems.items() if f in FIELDS}
        ack(response_action="errors", errors=errors)
        return
    team_id = str(context.team_id or (body.get("team") or {}).get("id") or "")
    channel = enrolled(runtime.sessions, team_id, channel_id)
    if channel is None:
        ack(response_action="errors", errors={"post_time": "This channel is not enrolled."})
        return
    creator = channel.creator_id
    # The modal could be forged or replayed: check the permission again on submission.
    if not can_manage(client, user_id, channel_id, creator):
        ack(response_action="errors", errors={"post_time": "Only channel managers can save."})
        return
    ack()
    saved = save_setup(runtime.sessions, team_id, channel_id, values, runtime.clock())
    assert saved is not None  # enrolled a moment ago; channels are paused, never deleted
    line = schedule_line(saved.channel)
    log.info("channel %s settings saved by %s", channel_id, user_id)
    try:
        client.chat_postEphemeral(
            channel=channel_id, user=user_id, text=f"Saved. Schedule: {line}."
        )
    except SlackApiError as exc:
        log.warning("could not confirm setup to %s: %s", user_id, exc.response.get("error"))
