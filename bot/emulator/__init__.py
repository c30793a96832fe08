"""A local Slack: Web API emulator plus a sender that plays Slack towards the app.

See docs/emulator.md. Typical use::

    with SlackEmulator() as slack:
        client = WebClient(token=DEFAULT_TOKEN, base_url=slack.api_url)
        sender = SlackSender(app_url, signing_secret, slack)
"""

from bot.emulator.sender import Response, SlackSender, sign
from bot.emulator.server import Call, SlackEmulator
from bot.emulator.state import (
    APP_ID,
    DEFAULT_BOT_ID,
    DEFAULT_BOT_USER_ID,
    DEFAULT_TEAM_ID,
    DEFAULT_TOKEN,
    ApiError,
    WorkspaceState,
)

__all__ = [
    "APP_ID",
    "DEFAULT_BOT_ID",
    "DEFAULT_BOT_USER_ID",
    "DEFAULT_TEAM_ID",
    "DEFAULT_TOKEN",
    "ApiError",
    "Call",
    "Response",
    "SlackEmulator",
    "SlackSender",
    "WorkspaceState",
    "sign",
]
