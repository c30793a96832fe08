"""Who may change a channel's practice: workspace admins and owners, and the channel's creator."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


def user_info(client: WebClient, user_id: str) -> dict[str, Any]:
    """users.info's user object, or {} when Slack will not say."""
    try:
        return dict(client.users_info(user=user_id)["user"])
    except SlackApiError as exc:
        log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
        return {}


def channel_info(client: WebClient, channel_id: str) -> dict[str, Any]:
    try:
        return dict(client.conversations_info(channel=channel_id)["channel"])
    except SlackApiError as exc:
        log.warning("conversations.info %s failed: %s", channel_id, exc.response.get("error"))
        return {}


def can_manage(
    client: WebClient, user_id: str, channel_id: str, known_creator: str | None = None
) -> bool:
    user = user_info(client, user_id)
    if user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"):
        return True
    creator = known_creator or channel_info(client, channel_id).get("creator")
    return bool(creator) and creator == user_id
