"""The domain's outbound ports, implemented with the Slack Web API."""

from __future__ import annotations

import logging

from bot.models import Channel, PromptPost
from bot.slack.errors import publish_errors
from bot.slack.gateway import SlackGateway
from bot.slack.render.prompt import prompt_blocks

log = logging.getLogger(__name__)


class SlackPublisher:
    def __init__(self, gateway: SlackGateway) -> None:
        self.gateway = gateway

    def find_prompt(self, channel: Channel, post: PromptPost) -> str | None:
        """Look through the channel's recent history for this post's message (by metadata)."""
        with publish_errors():
            client = self.gateway.client_for(channel.team_id)
            response = client.conversations_history(
                channel=channel.channel_id, limit=200, include_all_metadata=True
            )
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if (
                metadata.get("event_type") == "practice_prompt"
                and payload.get("post_id") == post.id
                and payload.get("date") == post.local_date.isoformat()
            ):
                return str(message["ts"])
        return None

    def post_prompt(self, channel: Channel, post: PromptPost) -> str:
        text, blocks = prompt_blocks(post, channel)
        with publish_errors():
            client = self.gateway.client_for(channel.team_id)
            response = client.chat_postMessage(
                channel=channel.channel_id,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                # Lets an operator (or a recovery) find the post for a day in the history.
                metadata={
                    "event_type": "practice_prompt",
                    "event_payload": {"post_id": post.id, "date": post.local_date.isoformat()},
                },
            )
        return str(response["ts"])
