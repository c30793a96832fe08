"""Saving the member's settings form (App Home): problems go back into the form."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.practice.members.settings import SettingsError
from bot.services.members import apply_settings
from bot.slack.home_publisher import publish_home
from bot.slack.render.members import FormError, read_settings_form

log = logging.getLogger(__name__)


def on_settings_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any, client: WebClient
) -> None:
    runtime = context["runtime"]
    user_id = str((body.get("user") or {}).get("id") or "")
    team_id = str(context.team_id or (body.get("team") or {}).get("id") or "")
    try:
        changes = read_settings_form((view.get("state") or {}).get("values") or {})
        apply_settings(
            runtime.sessions,
            team_id,
            user_id,
            changes,
            runtime.clock(),
            tz=str(view.get("private_metadata") or "") or None,
        )
    except FormError as exc:
        ack(response_action="errors", errors={exc.field: str(exc)})
        return
    except SettingsError as exc:
        ack(response_action="errors", errors={"away": str(exc)})
        return
    ack()
    log.info("%s saved their settings from the App Home", user_id)
    publish_home(runtime, client, team_id, user_id)
