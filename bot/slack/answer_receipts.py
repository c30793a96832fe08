"""The Slack side of a recorded answer: a ✅ on a counted one, a private note on a late one.

Called after the answer's transaction committed, by the batched reply writer
(`bot/slack/ingest.py`), by an edit's listener and by thread recovery
(`bot/services/thread_recovery.py`, through its `AnswerReceipts` port).
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.practice.answers import RecordedAnswer
from bot.slack.gateway import SlackGateway
from bot.slack.render.text import slack_date

log = logging.getLogger(__name__)

COUNTED_REACTION = "white_check_mark"


def acknowledge(
    client: WebClient, channel_id: str, thread_ts: str, answer: RecordedAnswer, closes_at: datetime
) -> None:
    """A reaction on a counted answer; a one-time private note on a late one."""
    try:
        if answer.react:
            client.reactions_add(
                channel=channel_id, timestamp=answer.message_ts, name=COUNTED_REACTION
            )
        if answer.tell_late:
            client.chat_postEphemeral(
                channel=channel_id,
                user=answer.user_id,
                thread_ts=thread_ts,
                text=(
                    f"Answers for this prompt closed {slack_date(closes_at)}. I kept yours as a "
                    "late answer: it is saved, but it will not be reviewed or scored."
                ),
            )
    except SlackApiError as exc:
        if exc.response.get("error") != "already_reacted":
            log.warning(
                "could not acknowledge an answer in %s: %s", channel_id, exc.response.get("error")
            )


class SlackAnswerReceipts:
    """The `AnswerReceipts` port (thread recovery) with each workspace's client."""

    def __init__(self, slack: SlackGateway) -> None:
        self._slack = slack

    def acknowledge(
        self,
        team_id: str,
        channel_id: str,
        thread_ts: str,
        answer: RecordedAnswer,
        closes_at: datetime,
    ) -> None:
        acknowledge(self._slack.client_for(team_id), channel_id, thread_ts, answer, closes_at)
