"""`/practice help | setup | pause | resume | now`: running a channel's practice."""

from __future__ import annotations

import logging

from bot.services import channels
from bot.services.prompts import post_prompt_now
from bot.slack.listeners.commands.registry import CommandContext, help_lines, subcommand
from bot.slack.render.channel import help_text, schedule_line
from bot.slack.render.scoring import describe_rules
from bot.slack.render.setup import setup_modal

log = logging.getLogger(__name__)

NOT_ENROLLED = (
    "I'm not set up in this channel yet. Invite me first (`/invite @Practice Bot`), then try again."
)


@subcommand("help", "", help="this help")
def show_help(ctx: CommandContext) -> None:
    rules = channels.channel_rules(ctx.runtime.sessions, ctx.team_id, ctx.channel_id)
    ctx.reply(help_text(help_lines(), describe_rules(rules)))


@subcommand(
    "setup",
    manager_only=True,
    opens_modal=True,
    help="post time, time zone, weekdays, answer window, reviewers, content pack",
)
def open_setup(ctx: CommandContext) -> None:
    current = channels.channel_setup(
        ctx.runtime.sessions, ctx.team_id, ctx.channel_id, may_manage=ctx.may_manage
    )
    if current is None:
        ctx.reply(NOT_ENROLLED)
        return
    packs = {pid: pack.title for pid, pack in ctx.runtime.library.packs.items()}
    ctx.client.views_open(
        trigger_id=ctx.trigger_id, view=setup_modal(ctx.channel_id, current, packs)
    )


@subcommand(
    "pause",
    manager_only=True,
    usage="`/practice pause` / `/practice resume`",
    help="stop and restart the daily prompt",
)
def pause(ctx: CommandContext) -> None:
    done = channels.pause(
        ctx.runtime.sessions,
        ctx.team_id,
        ctx.channel_id,
        ctx.runtime.clock(),
        f"paused by {ctx.user_id}",
        may_manage=ctx.may_manage,
    )
    if done is None:
        ctx.reply(NOT_ENROLLED)
        return
    log.info("channel %s paused by %s", ctx.channel_id, ctx.user_id)
    ctx.reply(
        "Paused: no prompts here until someone runs `/practice resume`. Nothing was deleted."
        if done.changed
        else "Practice here is already paused. `/practice resume` starts it again."
    )


@subcommand("resume", manager_only=True)
def resume(ctx: CommandContext) -> None:
    done = channels.resume(
        ctx.runtime.sessions,
        ctx.team_id,
        ctx.channel_id,
        ctx.runtime.clock(),
        may_manage=ctx.may_manage,
    )
    if done is None:
        ctx.reply(NOT_ENROLLED)
        return
    changed, line = done.changed, schedule_line(done.channel)
    log.info("channel %s resumed by %s", ctx.channel_id, ctx.user_id)
    ctx.reply(f"Resumed. Schedule: {line}." if changed else f"Practice here is already on: {line}.")


@subcommand("now", manager_only=True, help="post today's prompt now")
def post_today_now(ctx: CommandContext) -> None:
    runtime = ctx.runtime
    outcome = post_prompt_now(
        runtime.sessions,
        ctx.team_id,
        ctx.channel_id,
        runtime.clock(),
        library=runtime.library,
        publisher=runtime.adapters.prompts,
        may_manage=ctx.may_manage,
    )
    if outcome is None:
        ctx.reply(NOT_ENROLLED)
    elif outcome.status == "posted":
        ctx.reply("Posted today's prompt. Answers go in its thread.")
    elif outcome.status == "exists":
        ctx.reply("Today's prompt is already up in this channel; there is one per day.")
    elif outcome.status == "no-content":
        ctx.reply(f"I could not find the content pack `{outcome.detail}`; pick another in setup.")
    else:
        ctx.reply(f"I could not post the prompt ({outcome.detail}). It is logged; try again.")
