"""`/practice export` (a JSON file of your data, by DM) and `/practice forget-me`."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.services import privacy
from bot.slack.dm import reply_file
from bot.slack.errors import SLACK_FAILURES, slack_error
from bot.slack.listeners.commands.registry import CommandContext, subcommand
from bot.slack.render.privacy import (
    EXPORT_COMMENT,
    EXPORT_FAILED,
    EXPORT_FILENAME,
    EXPORT_SENT,
    export_file,
    forget_confirm_blocks,
)

log = logging.getLogger(__name__)


@subcommand(
    "export",
    usage="`/practice export` / `/practice forget-me`",
    help="your data, or erase it",
)
def export(ctx: CommandContext) -> None:
    data = privacy.export(ctx.runtime.sessions, ctx.team_id, ctx.user_id)
    try:
        reply_file(
            ctx.client,
            ctx.user_id,
            content=export_file(data),
            filename=EXPORT_FILENAME,
            title="Your practice-bot data",
            initial_comment=EXPORT_COMMENT,
        )
    except SLACK_FAILURES as exc:
        reason = slack_error(exc) if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("export for %s could not be sent: %s", ctx.user_id, reason)
        ctx.reply(EXPORT_FAILED.format(reason=reason))
        return
    log.info("export sent to %s", ctx.user_id)
    ctx.reply(EXPORT_SENT)


@subcommand("forget-me")
def forget_me(ctx: CommandContext) -> None:
    text, blocks = forget_confirm_blocks(ctx.user_id)
    ctx.reply(text, blocks=blocks)
