"""`/practice` subcommands: each feature module registers its own with `@subcommand`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.runtime import Runtime


@dataclass(frozen=True)
class CommandContext:
    runtime: Runtime
    client: WebClient
    respond: Callable[..., Any]
    team_id: str
    channel_id: str
    user_id: str
    trigger_id: str
    args: str  # the text after the subcommand

    def reply(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """An ephemeral answer only the caller sees."""
        self.respond(text=text, blocks=blocks, response_type="ephemeral")


Handler = Callable[[CommandContext], None]
SUBCOMMANDS: dict[str, Handler] = {}
# Subcommands that change a channel's practice; checked once, in the dispatcher.
MANAGER_ONLY: set[str] = set()
# Subcommands that open a modal run in the listener thread: Slack's trigger_id lasts 3 s, too
# short to wait behind other deferred work. Every other subcommand runs after the ack.
INLINE: set[str] = set()


def subcommand(
    *names: str, manager_only: bool = False, opens_modal: bool = False
) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        for name in names:
            SUBCOMMANDS[name] = handler
            if manager_only:
                MANAGER_ONLY.add(name)
            if opens_modal:
                INLINE.add(name)
        return handler

    return decorate
