"""`/practice export` (a JSON file of your data, by DM) and `/practice forget-me`."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.db import unit_of_work
from bot.practice.privacy.export import export_user
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


@subcommand("export")
def export(ctx: CommandContext) -> None:
    with unit_of_work(ctx.runtime.sessions) as session:
        data = export_user(session, ctx.team_id, ctx.user_id)
    try:
        dm = ctx.client.conversations_open(users=ctx.user_id)["channel"]["id"]
        ctx.client.files_upload_v2(
            channel=dm,
            content=export_file(data),
            filename=EXPORT_FILENAME,
            title="Your practice-bot data",
            initial_comment=EXPORT_COMMENT,
        )
    except (SlackApiError, SlackClientError, OSError) as exc:
        reason = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("export for %s could not be sent: %s", ctx.user_id, reason)
        ctx.reply(EXPORT_FAILED.format(reason=reason))
        return
    log.info("export sent to %s", ctx.user_id)
    ctx.reply(EXPORT_SENT)


@subcommand("forget-me")
def forget_me(ctx: CommandContext) -> None:
    text, blocks = forget_confirm_blocks(ctx.user_id)
    ctx.reply(text, blocks=blocks)
