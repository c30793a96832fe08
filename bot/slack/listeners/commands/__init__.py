"""Slash command listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners.commands import (
    channel_admin,
    leaderboard,
    mock,
    practice,
    privacy,
    review_optin,
)


def register(app: App) -> None:
    # Their subcommands register themselves on import.
    assert channel_admin and leaderboard and privacy and review_optin
    app.command("/practice")(practice.practice_command)
    app.command("/mock")(mock.mock_command)
