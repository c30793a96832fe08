"""`app_home_opened`: publish the user's App Home (reviews waiting, their mock, progress)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.runtime import runtime_of
from bot.slack.home_publisher import publish_home


def on_app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab", "home") != "home":
        return
    user_id = str(event.get("user") or "")
    team_id = str(context.team_id or event.get("team") or "")
    if not user_id:
        return
    publish_home(runtime_of(context), client, team_id, user_id)
