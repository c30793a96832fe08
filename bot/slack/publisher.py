"""The domain's outbound ports, implemented with the Slack Web API."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot import metrics
from bot.practice.posting import PromptToPost
from bot.slack.errors import publish_errors
from bot.slack.gateway import SlackGateway
from bot.slack.render.prompt import prompt_blocks

log = logging.getLogger(__name__)


class SlackPublisher:
    def __init__(self, gateway: SlackGateway) -> None:
        self.gateway = gateway

    def find_prompt(self, post: PromptToPost) -> str | None:
        """Look through the channel's recent history for this post's message (by metadata)."""
        with publish_errors():
            client = self.gateway.client_for(post.team_id)
            response = client.conversations_history(
                channel=post.channel_id, limit=200, include_all_metadata=True
            )
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if (
                metadata.get("event_type") == "practice_prompt"
                and payload.get("post_id") == post.post_id
                and payload.get("date") == post.local_date.isoformat()
            ):
                return str(message["ts"])
        return None

    def post_prompt(self, post: PromptToPost) -> str:
        text, blocks = prompt_blocks(post)
        # The metadata lets an operator (or a recovery) find the post for a day in the history.
        payload = {"post_id": post.post_id, "date": post.local_date.isoformat()}
        ts, _client = post_channel_message(
            self.gateway, post.team_id, post.channel_id, text, blocks, ("practice_prompt", payload)
        )
        metrics.PROMPTS_POSTED.inc()
        return ts


def post_channel_message(
    gateway: SlackGateway,
    team_id: str,
    channel_id: str,
    text: str,
    blocks: list[dict[str, Any]],
    metadata: tuple[str, dict[str, Any]],
) -> tuple[str, WebClient]:
    """A top-level message in a practice channel, with (event type, payload) metadata and no
    link previews; its ts, and the client that posted it (for a follow-up in its thread)."""
    event_type, payload = metadata
    with publish_errors():
        client = gateway.client_for(team_id)
        response = client.chat_postMessage(
            channel=channel_id,
            text=text,
            blocks=blocks,
            unfurl_links=False,
            metadata={"event_type": event_type, "event_payload": payload},
        )
    return str(response["ts"]), client
