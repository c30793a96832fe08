"""Listener registration, one `register(app)` per surface (commands, events, actions, views)."""

from __future__ import annotations

from bot.slack.listeners import actions, commands, events, fallback, views
from bot.slack.listeners.routes import Routes


def register(app: Routes) -> None:
    commands.register(app)
    events.register(app)
    actions.register(app)
    views.register(app)
    fallback.register(app)  # last: only what nothing above matched
