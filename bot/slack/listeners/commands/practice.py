"""`/practice`: split the text into a subcommand and hand over; a manager-only one's service
refuses a non-manager (`NotAManager`), worded here."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.practice.scoring import DEFAULT_RULES
from bot.runtime import runtime_of
from bot.services.managers import NotAManager
from bot.slack.listeners.commands.registry import (
    INLINE,
    SUBCOMMANDS,
    CommandContext,
    help_lines,
)
from bot.slack.render.channel import help_text
from bot.slack.render.fallback import NO_USER, SORRY, TOO_LONG
from bot.slack.render.scoring import describe_rules

log = logging.getLogger(__name__)

# Every subcommand is a word or two; anything this long is a mistake (or an attack).
MAX_COMMAND_CHARS = 1000

REFUSAL = (
    "Sorry, only this channel's creator and workspace admins can use `/practice {name}`. "
    "Ask one of them, or see `/practice help` for what you can do."
)


def practice_command(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    text = str(command.get("text") or "").strip()
    if len(text) > MAX_COMMAND_CHARS:
        log.info("refused a /practice command of %d characters", len(text))
        ack(text=TOO_LONG.format(length=len(text), limit=MAX_COMMAND_CHARS))
        return
    if not command.get("user_id") or not command.get("channel_id"):
        log.info("refused a /practice command without a user or channel")
        ack(text=NO_USER)
        return
    name, _, args = text.partition(" ")
    name = name.lower()
    handler = SUBCOMMANDS.get(name)
    if handler is None:
        ack(text=help_text(help_lines(), describe_rules(DEFAULT_RULES)), response_type="ephemeral")
        return
    ack()
    runtime = runtime_of(context)
    ctx = CommandContext.of(command, respond, client, context, args.strip())

    def work() -> None:
        try:
            handler(ctx)  # a manager-only subcommand's service checks the caller first
        except NotAManager:
            log.info("refused /practice %s for %s in %s", name, ctx.user_id, ctx.channel_id)
            ctx.reply(REFUSAL.format(name=name))

    if name in INLINE:
        work()
    else:
        runtime.defer(work, on_error=lambda: ctx.reply(SORRY))
