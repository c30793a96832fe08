"""Block action listeners (buttons)."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners.actions import mock
from bot.slack.render.mock import FEEDBACK_ACTION, SWAP_ACTION


def register(app: App) -> None:
    app.action(SWAP_ACTION)(mock.on_swap)
    app.action(FEEDBACK_ACTION)(mock.on_feedback)
