"""Catch-alls, registered after every other listener (Bolt runs the first that matches).

Buttons and modals the bot does not handle (from an old message, a removed feature, or
forged) are acknowledged, so Slack shows no error, and the person is told plainly that
nothing happened. Events of a type no listener takes are acknowledged too: an unanswered
delivery would be retried by Slack, and too many failures make Slack switch delivery off.
One log line each.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import App

from bot.slack.render.fallback import STALE_BUTTON, stale_modal

log = logging.getLogger(__name__)

ANY = re.compile(".*")


def on_unknown_action(ack: Any, body: dict[str, Any], respond: Any) -> None:
    ack()
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else {}
    action_id = action.get("action_id") if isinstance(action, dict) else None
    user = body.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    log.info("unknown or stale action %r from %s ignored", action_id, user_id)
    if body.get("response_url"):
        respond(text=STALE_BUTTON, response_type="ephemeral", replace_original=False)


def on_unknown_view(ack: Any, body: dict[str, Any]) -> None:
    view = body.get("view")
    callback_id = view.get("callback_id") if isinstance(view, dict) else None
    log.info("unknown or stale modal %r submitted; nothing saved", callback_id)
    ack(response_action="update", view=stale_modal())


def on_unknown_event(event: dict[str, Any]) -> None:
    log.info("event %r not handled; acknowledged", event.get("type"))


def register(app: App) -> None:
    app.action(ANY)(on_unknown_action)
    app.view(ANY)(on_unknown_view)
    app.event(ANY)(on_unknown_event)
