"""Slash commands' subcommands: each feature module registers its own with `@subcommand`
(`/practice`) or its command's `Subcommands` (`/mock`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot.runtime import Runtime, runtime_of
from bot.slack.permissions import can_manage
from bot.slack.render.channel import HelpLine


@dataclass(frozen=True)
class CommandContext:
    runtime: Runtime
    client: WebClient
    respond: Respond
    team_id: str
    channel_id: str
    user_id: str
    trigger_id: str
    args: str  # the text after the subcommand

    @classmethod
    def of(
        cls,
        command: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
        args: str,
    ) -> CommandContext:
        """The context of a slash command's payload; `args` is the text its handler reads."""
        return cls(
            runtime=runtime_of(context),
            client=client,
            respond=respond,
            team_id=str(command.get("team_id") or context.team_id or ""),
            channel_id=str(command.get("channel_id") or ""),
            user_id=str(command.get("user_id") or ""),
            trigger_id=str(command.get("trigger_id") or ""),
            args=args,
        )

    def may_manage(self, creator_id: str | None) -> bool:
        """Slack's answer to whether the caller manages this channel (a manager-only service
        asks it, with no transaction open)."""
        return can_manage(self.client, self.user_id, self.channel_id, creator_id)

    def reply(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """An ephemeral answer only the caller sees."""
        self.respond(text=text, blocks=blocks, response_type="ephemeral")


Handler = Callable[[CommandContext], None]


class Subcommands:
    """One slash command's subcommands: each handler registers itself with `@subcommand`,
    and declares its line for the command's help."""

    def __init__(self, command: str) -> None:
        self.command = command  # "/practice"
        self.handlers: dict[str, Handler] = {}
        # Subcommands for a channel's managers: their services check (`bot/services/managers`),
        # the dispatcher words a refusal; listed first in the help.
        self.manager_only: set[str] = set()
        # Subcommands that open a modal run in the listener thread: Slack's trigger_id lasts
        # 3 s, too short to wait behind other deferred work. Every other one runs after the ack.
        self.inline: set[str] = set()
        # The help's lines, in registration order.
        self.help_lines: list[HelpLine] = []

    def subcommand(
        self,
        *names: str,
        manager_only: bool = False,
        opens_modal: bool = False,
        usage: str | None = None,
        help: str | None = None,
    ) -> Callable[[Handler], Handler]:
        """Register a handler for `COMMAND NAME`; `help` (with `usage`, by default
        "`COMMAND NAME`") is its line in the command's help. A subcommand without `help` is
        covered by another's line (e.g. `resume` by `pause`'s)."""

        def decorate(handler: Handler) -> Handler:
            if help is not None:
                shown = usage or f"`{self.command} {names[0]}`"
                self.help_lines.append(HelpLine(shown, help, manager_only))
            for name in names:
                self.handlers[name] = handler
                if manager_only:
                    self.manager_only.add(name)
                if opens_modal:
                    self.inline.add(name)
            return handler

        return decorate


PRACTICE = Subcommands("/practice")
SUBCOMMANDS = PRACTICE.handlers
MANAGER_ONLY = PRACTICE.manager_only
INLINE = PRACTICE.inline
# `/practice help`, in registration order; `help_lines()` puts the managers' lines first.
HELP_LINES = PRACTICE.help_lines
subcommand = PRACTICE.subcommand


def add_help_line(line: HelpLine) -> None:
    """A help line for another command (e.g. `/mock`), listed after the subcommands."""
    HELP_LINES.append(line)


def help_lines() -> list[HelpLine]:
    """`/practice help` first, then the managers' subcommands, everyone's, other commands."""

    def place(line: HelpLine) -> tuple[bool, bool, bool]:
        other = not line.usage.startswith("`/practice ")
        return (line.usage != "`/practice help`", other, not line.manager_only)

    return sorted(HELP_LINES, key=place)
