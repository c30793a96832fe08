"""`app_home_opened`: publish the user's App Home (progress per channel, next prompt)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.db import unit_of_work
from bot.practice.leaderboard.stats import home_items
from bot.practice.weekly_post import criterion_names
from bot.slack.render.home import home_view


def on_app_home_opened(event: dict[str, Any], client: WebClient, context: Any) -> None:
    if event.get("tab", "home") != "home":
        return
    runtime = context["runtime"]
    user_id = str(event.get("user") or "")
    team_id = str(context.team_id or event.get("team") or "")
    if not user_id:
        return
    now = runtime.clock()
    with unit_of_work(runtime.sessions) as session:
        items = home_items(session, team_id, user_id, now)
        view = home_view(items, now, lambda channel: criterion_names(runtime.library, channel))
    client.views_publish(user_id=user_id, view=view)
