"""Block action listeners (buttons)."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """No buttons yet beyond those of later features."""
