"""`/mock [note] | status | cancel | stats | help`: peer mock interviews.

Each subcommand registers itself in `MOCK` (`Subcommands`, as `/practice`'s do); `/mock help`
and `/mock`'s line in `/practice help` are made from their help lines. Text that is no
subcommand is the note of a request for a partner.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.practice.mocks.queue import MOCK_EXPIRY, MockError
from bot.services import mocks
from bot.slack.dm import direct_messages
from bot.slack.listeners.commands.registry import CommandContext, Subcommands, add_help_line
from bot.slack.mock_notifier import SlackMockNotifier
from bot.slack.render.channel import HelpLine
from bot.slack.render.fallback import SORRY
from bot.slack.render.mock import (
    cancel_reply,
    mock_help_text,
    request_reply,
    stats_reply,
    status_reply,
)

log = logging.getLogger(__name__)

MOCK = Subcommands("/mock")
REQUEST = ""  # the handler of `/mock [note]`: any text that names no subcommand

ANNOUNCE_FAILED = (
    "You're matched with <@{partner}>, but Slack refused part of the introduction ({reason}). "
    "I'll send it again within a few minutes; meanwhile you can message them directly."
)


def tz_offset_minutes(client: WebClient, user_id: str) -> int:
    """The user's UTC offset from their Slack profile (0 when Slack does not say)."""
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except SlackApiError as exc:
        log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
        return 0
    return int(user.get("tz_offset") or 0) // 60


def mock_command(
    ack: Any, command: dict[str, Any], respond: Any, client: WebClient, context: Any
) -> None:
    ack()
    context["runtime"].defer(
        lambda: handle_mock(command, respond, client, context),
        on_error=lambda: respond(text=SORRY, response_type="ephemeral"),
    )


def handle_mock(command: dict[str, Any], respond: Any, client: WebClient, context: Any) -> None:
    """The work of a `/mock` command, after the ack: its subcommand's handler, each of which
    makes one service call and replies once it returned (no transaction open)."""
    text = str(command.get("text") or "").strip()
    handler = MOCK.handlers.get(text.lower())
    ctx = CommandContext.of(command, respond, client, context, text if handler is None else "")
    (handler or MOCK.handlers[REQUEST])(ctx)


@MOCK.subcommand(
    REQUEST,
    usage="`/mock [note]`",
    help="find a partner for a live one-to-one mock. The note (e.g. _measurement cases, "
    "Tue evening_) is shown to your partner.",
)
def request_partner(ctx: CommandContext) -> None:
    runtime = ctx.runtime
    now = runtime.clock()
    try:
        requested = mocks.request_partner(
            runtime.sessions,
            now,
            ctx.team_id,
            ctx.user_id,
            ctx.args,
            tz_offset_minutes(ctx.client, ctx.user_id),
            library=runtime.library,
            notifier=SlackMockNotifier(direct_messages(runtime)),
            expiry=runtime.settings.mock_expiry or MOCK_EXPIRY,
        )
    except MockError as exc:
        ctx.reply(str(exc))
        return
    outcome = requested.outcome
    if requested.announce_failure:
        reason = requested.announce_failure
        ctx.reply(ANNOUNCE_FAILED.format(partner=outcome.partner_id, reason=reason))
        return
    ctx.reply(request_reply(outcome))


@MOCK.subcommand("status", help="your place in the queue and how long you have waited.")
def status(ctx: CommandContext) -> None:
    found = mocks.status(ctx.runtime.sessions, ctx.runtime.clock(), ctx.team_id, ctx.user_id)
    ctx.reply(status_reply(found))


@MOCK.subcommand("cancel", help="leave the queue.")
def cancel(ctx: CommandContext) -> None:
    left = mocks.cancel(ctx.runtime.sessions, ctx.runtime.clock(), ctx.team_id, ctx.user_id)
    ctx.reply(cancel_reply(left))


@MOCK.subcommand("stats", help="your mean rubric scores from mocks, per criterion.")
def stats(ctx: CommandContext) -> None:
    runtime = ctx.runtime
    found = mocks.progress(runtime.sessions, ctx.team_id, ctx.user_id, runtime.library)
    ctx.reply(stats_reply(found.criteria, found.names))


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
