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

from slack_bolt import Ack, Respond

from bot.slack.listeners.routes import Routes
from bot.slack.payloads import Interaction
from bot.slack.render.fallback import STALE_BUTTON, stale_modal

log = logging.getLogger(__name__)

ANY = re.compile(".*")


def on_unknown_action(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    ack()
    seen = Interaction.of(body)
    log.info("unknown or stale action %r from %s ignored", seen.action_id, seen.user_id)
    if seen.response_url:
        respond(text=STALE_BUTTON, response_type="ephemeral", replace_original=False)


def on_unknown_view(ack: Ack, body: dict[str, Any]) -> None:
    callback_id = Interaction.of(body).view.get("callback_id")
    log.info("unknown or stale modal %r submitted; nothing saved", callback_id)
    ack(response_action="update", view=stale_modal())


def on_unknown_event(event: dict[str, Any]) -> None:
    log.info("event %r not handled; acknowledged", event.get("type"))


def register(app: Routes) -> None:
    app.action(ANY)(on_unknown_action)
    app.view(ANY)(on_unknown_view)
    app.event(ANY)(on_unknown_event)
