"""Modal submission listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners.views import reviews, setup
from bot.slack.render.review import CHALLENGE_CALLBACK, SCORE_CALLBACK
from bot.slack.render.setup import CALLBACK_ID as SETUP_CALLBACK


def register(app: App) -> None:
    app.view(SETUP_CALLBACK)(setup.on_setup_submitted)
    app.view(SCORE_CALLBACK)(reviews.on_score_submitted)
    app.view(CHALLENGE_CALLBACK)(reviews.on_challenge_submitted)
