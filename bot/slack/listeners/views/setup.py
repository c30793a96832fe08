"""Saving the setup modal: field problems go back into the modal; the rest is acked at once.

The submission is acked (the modal closes) before any Web API call: the manager check calls
`users.info` and `conversations.info`, which a rate limit can hold up to 30 s where Slack
allows 3. The check and the save run after the ack; the outcome comes as an ephemeral
message in the channel.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.practice.channels import validate_settings
from bot.runtime import runtime_of
from bot.services.channels import SetupSaved, save_setup
from bot.slack.errors import slack_error
from bot.slack.payloads import Interaction
from bot.slack.permissions import can_manage
from bot.slack.render.channel import setup_outcome
from bot.slack.render.fallback import SORRY
from bot.slack.render.setup import FIELDS, SubmissionError, read_submission

log = logging.getLogger(__name__)


def on_setup_submitted(
    ack: Ack, body: dict[str, object], context: BoltContext, client: WebClient
) -> None:
    runtime = runtime_of(context)
    seen = Interaction.of(body, context.team_id)
    channel_id = seen.private_metadata
    try:
        values = read_submission(seen.values())
    except SubmissionError as exc:
        ack(response_action="errors", errors={exc.field: str(exc)})
        return
    problems = validate_settings(values, set(runtime.library.packs))
    if problems:
        ack(response_action="errors", errors={f: m for f, m in problems.items() if f in FIELDS})
        return
    ack()

    def tell(text: str) -> None:
        try:
            client.chat_postEphemeral(channel=channel_id, user=seen.user_id, text=text)
        except SlackApiError as exc:
            log.warning("could not tell %s about setup: %s", seen.user_id, slack_error(exc))

    def save() -> None:
        saved: SetupSaved = save_setup(
            runtime.sessions,
            seen.team_id,
            channel_id,
            values,
            runtime.clock(),
            may_manage=lambda creator: can_manage(client, seen.user_id, channel_id, creator),
        )
        log.info("channel %s setup by %s: %s", channel_id, seen.user_id, saved.status)
        tell(setup_outcome(saved.status, saved.channel))

    runtime.defer(save, on_error=lambda: tell(SORRY))
