"""The domain's outbound ports, implemented with the Slack Web API."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError, SlackClientError

from bot import metrics
from bot.models import Channel, PromptPost
from bot.practice.ports import PublishError
from bot.slack.gateway import SlackGateway, WorkspaceNotInstalled
from bot.slack.render.prompt import prompt_blocks

log = logging.getLogger(__name__)


class SlackPublisher:
    def __init__(self, gateway: SlackGateway) -> None:
        self.gateway = gateway

    def find_prompt(self, channel: Channel, post: PromptPost) -> str | None:
        """Look through the channel's recent history for this post's message (by metadata)."""
        try:
            client = self.gateway.client_for(channel.team_id)
            response = client.conversations_history(
                channel=channel.channel_id, limit=200, include_all_metadata=True
            )
        except WorkspaceNotInstalled as exc:
            raise PublishError("workspace not installed", permanent=True) from exc
        except SlackApiError as exc:
            raise PublishError.from_slack_error(str(exc.response.get("error", "unknown"))) from exc
        except (SlackClientError, OSError) as exc:
            raise PublishError(type(exc).__name__, permanent=False) from exc
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
        try:
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
        except WorkspaceNotInstalled as exc:
            raise PublishError("workspace not installed", permanent=True) from exc
        except SlackApiError as exc:
            raise PublishError.from_slack_error(str(exc.response.get("error", "unknown"))) from exc
        except (SlackClientError, OSError) as exc:
            raise PublishError(type(exc).__name__, permanent=False) from exc
        metrics.PROMPTS_POSTED.inc()
        return str(response["ts"])
