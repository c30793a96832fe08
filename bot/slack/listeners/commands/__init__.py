"""Slash command listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners.commands import channel_admin, practice, privacy, review_optin


def register(app: App) -> None:
    assert (
        channel_admin and review_optin and privacy
    )  # their subcommands register themselves on import
    app.command("/practice")(practice.practice_command)
