"""`app_home_opened`: publish the user's App Home (reviews waiting, their mock, progress)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.db import unit_of_work
from bot.practice.home import home_for
from bot.practice.weekly_post import criterion_names
from bot.slack.render.home import home_view


def publish_home(runtime: Any, client: WebClient, team_id: str, user_id: str) -> None:
    """Build the Home in one read, then publish it once the session is closed."""
    now = runtime.clock()
    with unit_of_work(runtime.sessions) as session:
        home = home_for(session, team_id, user_id, now)
        view = home_view(home, lambda channel: criterion_names(runtime.library, channel))
    client.views_publish(user_id=user_id, view=view)


def on_app_home_opened(event: dict[str, Any], client: WebClient, context: Any) -> None:
    if event.get("tab", "home") != "home":
        return
    user_id = str(event.get("user") or "")
    team_id = str(context.team_id or event.get("team") or "")
    if not user_id:
        return
    publish_home(context["runtime"], client, team_id, user_id)
