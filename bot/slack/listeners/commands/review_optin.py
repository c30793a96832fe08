"""`/practice review on|off`: volunteer (or stop) as a skeptic reviewer in this channel."""

from __future__ import annotations

import logging

from bot.services.channels import volunteer
from bot.slack.listeners.commands.channel_admin import NOT_ENROLLED
from bot.slack.listeners.commands.registry import CommandContext, subcommand

log = logging.getLogger(__name__)

USAGE = (
    "Use `/practice review on` to volunteer as a skeptic reviewer here (you get answers to "
    "review on days you do not answer yourself), or `/practice review off` to stop."
)


@subcommand(
    "review",
    usage="`/practice review on|off`",
    help="volunteer as a reviewer when answerers are few",
)
def review_optin(ctx: CommandContext) -> None:
    choice = ctx.args.strip().lower()
    if choice not in ("on", "off"):
        ctx.reply(USAGE)
        return
    done = volunteer(
        ctx.runtime.sessions,
        ctx.team_id,
        ctx.channel_id,
        ctx.user_id,
        choice == "on",
        ctx.runtime.clock(),
    )
    if done is None:
        ctx.reply(NOT_ENROLLED)
        return
    changed = done.changed
    log.info("%s set review %s in %s", ctx.user_id, choice, ctx.channel_id)
    if choice == "on":
        ctx.reply(
            "You are now a volunteer reviewer here: when answers need more reviewers than the "
            "answerers can give, some come to you by DM, and reviews left undone at half-time "
            "may be offered to you as a stand-in. `/practice review off` stops it."
            if changed
            else "You are already a volunteer reviewer here. `/practice review off` stops it."
        )
    else:
        ctx.reply(
            "You are no longer a volunteer reviewer here. Answering a prompt still makes you a "
            "reviewer for that day."
            if changed
            else "You are not a volunteer reviewer here. `/practice review on` to volunteer."
        )
