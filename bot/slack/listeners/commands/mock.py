"""`/mock [note] | status | cancel | stats | help`: peer mock interviews.

Each subcommand registers itself in `MOCK` (`Subcommands`, as `/practice`'s do); `/mock help`
and `/mock`'s line in `/practice help` are made from their help lines. Text that is no
subcommand is the note of a request for a partner.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.runtime import runtime_of
from bot.services import mocks
from bot.slack.listeners.commands.registry import CommandContext, Subcommands, add_help_line
from bot.slack.mock_requests import open_availability, request_and_reply, user_zone
from bot.slack.render.channel import HelpLine
from bot.slack.render.fallback import SORRY
from bot.slack.render.mock import cancel_reply, mock_help_text, status_reply
from bot.slack.render.mock_feedback import stats_reply

log = logging.getLogger(__name__)

MOCK = Subcommands("/mock")
REQUEST = ""  # the handler of `/mock [note]`: any text that names no subcommand


def mock_command(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    ack()
    runtime_of(context).defer(
        lambda: handle_mock(command, respond, client, context),
        on_error=lambda: respond(text=SORRY, response_type="ephemeral"),
    )


def handle_mock(
    command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    """The work of a `/mock` command, after the ack: its subcommand's handler, each of which
    makes one service call and replies once it returned (no transaction open)."""
    text = str(command.get("text") or "").strip()
    handler = MOCK.handlers.get(text.lower())
    ctx = CommandContext.of(command, respond, client, context, text if handler is None else "")
    (handler or MOCK.handlers[REQUEST])(ctx)


@MOCK.subcommand(
    REQUEST,
    usage="`/mock [note]`",
    help="find a partner for a live one-to-one mock. `/mock` alone opens a form to pick when "
    "you can meet (your time zone); with a note (e.g. _measurement cases_) it means any time "
    "in your working hours (Monday to Friday, 9:00-18:00). The note is shown to your partner.",
)
def request_partner(ctx: CommandContext) -> None:
    runtime = ctx.runtime
    zone = user_zone(ctx.client, ctx.user_id)
    if not ctx.args and open_availability(
        runtime, ctx.client, ctx.trigger_id, ctx.team_id, ctx.user_id, zone[0]
    ):
        return
    request_and_reply(runtime, ctx.team_id, ctx.user_id, ctx.args, zone, None, ctx.reply)


@MOCK.subcommand("status", help="your place in the queue and how long you have waited.")
def status(ctx: CommandContext) -> None:
    found = mocks.status(ctx.runtime.sessions, ctx.runtime.clock(), ctx.team_id, ctx.user_id)
    ctx.reply(status_reply(found))


@MOCK.subcommand("cancel", help="leave the queue.")
def cancel(ctx: CommandContext) -> None:
    left = mocks.cancel(ctx.runtime.sessions, ctx.runtime.clock(), ctx.team_id, ctx.user_id)
    ctx.reply(cancel_reply(left))


@MOCK.subcommand(
    "stats",
    help="mocks held, your show rate, partners met, your scores over time and per criterion.",
)
def stats(ctx: CommandContext) -> None:
    runtime = ctx.runtime
    found = mocks.progress(runtime.sessions, ctx.team_id, ctx.user_id, runtime.library)
    ctx.reply(stats_reply(found.criteria, found.names, found.record))


@MOCK.subcommand("help")
def show_help(ctx: CommandContext) -> None:
    ctx.reply(mock_help_text(MOCK.help_lines))


# `/mock`'s line in `/practice help`: every `/mock` subcommand's usage.
add_help_line(
    HelpLine(
        ", ".join(line.usage for line in MOCK.help_lines),
        "a one-to-one mock interview with a peer",
    )
)
