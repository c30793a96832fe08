"""`/practice` subcommands: each feature module registers its own with `@subcommand`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.slack.render.channel import HelpLine


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
# `/practice help`, in registration order; `help_lines()` puts the managers' lines first.
HELP_LINES: list[HelpLine] = []


def subcommand(
    *names: str,
    manager_only: bool = False,
    opens_modal: bool = False,
    usage: str | None = None,
    help: str | None = None,
) -> Callable[[Handler], Handler]:
    """Register a handler for `/practice NAME`; `help` (with `usage`, by default
    "`/practice NAME`") is its line in `/practice help`. A subcommand without `help` is
    covered by another's line (e.g. `resume` by `pause`'s)."""

    def decorate(handler: Handler) -> Handler:
        if help is not None:
            shown = usage or f"`/practice {names[0]}`"
            HELP_LINES.append(HelpLine(shown, help, manager_only))
        for name in names:
            SUBCOMMANDS[name] = handler
            if manager_only:
                MANAGER_ONLY.add(name)
            if opens_modal:
                INLINE.add(name)
        return handler

    return decorate


def add_help_line(line: HelpLine) -> None:
    """A help line for another command (e.g. `/mock`), listed after the subcommands."""
    HELP_LINES.append(line)


def help_lines() -> list[HelpLine]:
    """`/practice help` first, then the managers' subcommands, everyone's, other commands."""

    def place(line: HelpLine) -> tuple[bool, bool, bool]:
        other = not line.usage.startswith("`/practice ")
        return (line.usage != "`/practice help`", other, not line.manager_only)

    return sorted(HELP_LINES, key=place)
