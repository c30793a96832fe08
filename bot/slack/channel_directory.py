"""The `ChannelDirectory` port for the bot joining a channel: `users.info` (the inviter's time
zone), `conversations.info` (name, creator) and the welcome post, with the event's client."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.practice.channels import ChannelView
from bot.practice.ports import ChannelFacts
from bot.slack.permissions import channel_info, user_info
from bot.slack.render.channel import welcome_blocks


@dataclass(frozen=True)
class SlackChannelDirectory:
    client: WebClient

    def user_tz(self, user_id: str) -> str | None:
        tz = user_info(self.client, user_id).get("tz")
        return str(tz) if tz else None

    def channel(self, channel_id: str) -> ChannelFacts:
        info = channel_info(self.client, channel_id)
        creator = info.get("creator")
        return ChannelFacts(str(info.get("name") or ""), str(creator) if creator else None)

    def welcome(self, channel: ChannelView) -> None:
        text, blocks = welcome_blocks(channel)
        self.client.chat_postMessage(channel=channel.channel_id, text=text, blocks=blocks)
