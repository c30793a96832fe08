"""Slash command listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners.commands import channel_admin, leaderboard, practice


def register(app: App) -> None:
    assert channel_admin and leaderboard  # their subcommands register themselves on import
    app.command("/practice")(practice.practice_command)
