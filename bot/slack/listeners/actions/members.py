"""The App Home's "Change my settings": the member's settings form."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.members import my_settings
from bot.slack.permissions import user_info
from bot.slack.render.members import settings_modal

log = logging.getLogger(__name__)


def on_settings_clicked(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    runtime = context["runtime"]
    user_id = str((body.get("user") or {}).get("id") or "")
    team_id = str(context.team_id or (body.get("team") or {}).get("id") or "")
    # Their Slack time zone goes with the form, so saving it needs no Web API call.
    tz = str(user_info(client, user_id).get("tz") or "")
    seen = my_settings(runtime.sessions, team_id, user_id, runtime.clock())
    view = settings_modal(seen.prefs, seen.away_next, tz or seen.prefs.tz)
    try:
        client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)
    except SlackApiError as exc:
        log.warning("could not open %s's settings: %s", user_id, exc.response.get("error"))
