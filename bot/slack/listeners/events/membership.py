"""The bot joining a channel enrols it; the bot leaving (or being removed) pauses it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.runtime import runtime_of
from bot.services import channels
from bot.slack.channel_directory import SlackChannelDirectory
from bot.slack.payloads import is_ts

log = logging.getLogger(__name__)


def on_member_joined(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    if event.get("user") != context.bot_user_id:
        return  # someone else joined; nothing to do
    runtime = runtime_of(context)
    channel_id = event.get("channel")
    if not isinstance(channel_id, str) or not channel_id:
        log.warning("member_joined_channel without a channel id ignored")
        return
    inviter = event.get("inviter")
    channels.bot_joined(
        runtime.sessions,
        str(event.get("team") or context.team_id or ""),
        channel_id,
        runtime.clock(),
        inviter_id=inviter if isinstance(inviter, str) and inviter else None,
        directory=SlackChannelDirectory(client),
        event_ts=_event_ts(event),
    )


def on_channel_left(event: dict[str, Any], context: BoltContext) -> None:
    _pause(context, event)


def on_member_left(event: dict[str, Any], context: BoltContext) -> None:
    if event.get("user") == context.bot_user_id:
        _pause(context, event)


def _pause(context: BoltContext, event: dict[str, Any]) -> None:
    runtime = runtime_of(context)
    team_id = str(context.team_id or "")
    channel_id = str(event.get("channel") or "")
    paused = channels.bot_removed(
        runtime.sessions, team_id, channel_id, runtime.clock(), event_ts=_event_ts(event)
    )
    if paused is not None and paused.changed:
        log.info("channel %s paused: the bot was removed", channel_id)


def _event_ts(event: dict[str, Any]) -> str | None:
    ts = event.get("event_ts")
    return str(ts) if is_ts(ts) else None
