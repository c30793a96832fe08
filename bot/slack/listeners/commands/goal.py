"""`/practice goal`: a member's target interview; `/practice ideas`: what members' real
interviews asked, shared anonymously, for the channel's managers."""

from __future__ import annotations

import logging

from bot.practice.members.settings import SettingsError
from bot.services.goals import change_goal, channel_ideas
from bot.slack.listeners.commands.channel_admin import NOT_ENROLLED
from bot.slack.listeners.commands.registry import CommandContext, subcommand
from bot.slack.render.goals import goal_reply, ideas_text

log = logging.getLogger(__name__)


@subcommand(
    "goal",
    usage="`/practice goal [YYYY-MM-DD PACK [company] [| note] | plan on|off | off | went ...]`",
    help="your target interview: a countdown, a weekly plan and daily drills by DM",
)
def goal(ctx: CommandContext) -> None:
    runtime = ctx.runtime
    try:
        view = change_goal(
            runtime.sessions,
            ctx.team_id,
            ctx.user_id,
            ctx.args,
            runtime.clock(),
            library=runtime.library,
        )
    except SettingsError as exc:
        ctx.reply(str(exc))
        return
    if view.message:
        log.info("%s changed their target interview", ctx.user_id)
    ctx.reply(goal_reply(view.goal, view.days_left, view.message))


@subcommand(
    "ideas",
    manager_only=True,
    help="prompt ideas members shared after their real interviews (anonymous)",
)
def ideas(ctx: CommandContext) -> None:
    found = channel_ideas(
        ctx.runtime.sessions, ctx.team_id, ctx.channel_id, may_manage=ctx.may_manage
    )
    if found is None:
        ctx.reply(NOT_ENROLLED)
        return
    pack_id, shared = found
    ctx.reply(ideas_text(pack_id, shared))
