"""Event listeners."""

from __future__ import annotations

from bot.slack.listeners.events import drills, home, lifecycle, membership, messages
from bot.slack.listeners.routes import Routes


def register(app: Routes) -> None:
    app.event("member_joined_channel")(membership.on_member_joined)
    app.event("channel_left")(membership.on_channel_left)
    app.event("group_left")(membership.on_channel_left)
    app.event("member_left_channel")(membership.on_member_left)
    # Before the channels' listener: Bolt runs the first listener that matches an event.
    app.event("message", matchers=[drills.is_dm_thread_reply])(drills.on_dm_thread_reply)
    app.event("message")(messages.on_message)
    app.event("app_home_opened")(home.on_app_home_opened)
    app.event("app_uninstalled")(lifecycle.on_app_uninstalled)
    app.event("tokens_revoked")(lifecycle.on_tokens_revoked)
