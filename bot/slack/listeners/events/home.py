"""`app_home_opened`: publish the user's App Home (reviews waiting, their mock, progress)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.services.home import home_page
from bot.slack.render.home import home_view


def publish_home(runtime: Any, client: WebClient, team_id: str, user_id: str) -> None:
    """Read the Home in one service call, then publish it (no transaction open)."""
    page = home_page(runtime.sessions, team_id, user_id, runtime.clock(), library=runtime.library)
    client.views_publish(user_id=user_id, view=home_view(page.home, page.names))


def on_app_home_opened(event: dict[str, Any], client: WebClient, context: Any) -> None:
    if event.get("tab", "home") != "home":
        return
    user_id = str(event.get("user") or "")
    team_id = str(context.team_id or event.get("team") or "")
    if not user_id:
        return
    publish_home(context["runtime"], client, team_id, user_id)
