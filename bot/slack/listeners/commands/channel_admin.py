"""`/practice help | setup | pause | resume | now`: running a channel's practice."""

from __future__ import annotations

import logging

from bot.db import unit_of_work
from bot.practice.channels import current_settings, get_channel, pause_channel, resume_channel
from bot.practice.posting import post_now
from bot.practice.scoring import describe_rules, rules_for
from bot.slack.listeners.commands.registry import CommandContext, subcommand
from bot.slack.publisher import SlackPublisher
from bot.slack.render.channel import help_text, schedule_line
from bot.slack.render.setup import setup_modal

log = logging.getLogger(__name__)

NOT_ENROLLED = (
    "I'm not set up in this channel yet. Invite me first (`/invite @Practice Bot`), then try again."
)


@subcommand("help", "")
def show_help(ctx: CommandContext) -> None:
    with unit_of_work(ctx.runtime.sessions) as session:
        rules = rules_for(get_channel(session, ctx.team_id, ctx.channel_id))
    ctx.reply(help_text(describe_rules(rules)))


@subcommand("setup", manager_only=True, opens_modal=True)
def open_setup(ctx: CommandContext) -> None:
    with unit_of_work(ctx.runtime.sessions) as session:
        channel = get_channel(session, ctx.team_id, ctx.channel_id)
        current = current_settings(channel) if channel is not None else None
    if current is None:  # replies go out after the unit of work, never inside one
        ctx.reply(NOT_ENROLLED)
        return
    packs = {pid: pack.title for pid, pack in ctx.runtime.library.packs.items()}
    ctx.client.views_open(
        trigger_id=ctx.trigger_id, view=setup_modal(ctx.channel_id, current, packs)
    )


@subcommand("pause", manager_only=True)
def pause(ctx: CommandContext) -> None:
    with unit_of_work(ctx.runtime.sessions) as session:
        channel = get_channel(session, ctx.team_id, ctx.channel_id)
        if channel is not None:
            reason = f"paused by {ctx.user_id}"
            changed = pause_channel(session, channel, ctx.runtime.clock(), reason)
            session.commit()
    if channel is None:
        ctx.reply(NOT_ENROLLED)
        return
    log.info("channel %s paused by %s", ctx.channel_id, ctx.user_id)
    ctx.reply(
        "Paused: no prompts here until someone runs `/practice resume`. Nothing was deleted."
        if changed
        else "Practice here is already paused. `/practice resume` starts it again."
    )


@subcommand("resume", manager_only=True)
def resume(ctx: CommandContext) -> None:
    with unit_of_work(ctx.runtime.sessions) as session:
        channel = get_channel(session, ctx.team_id, ctx.channel_id)
        if channel is not None:
            changed = resume_channel(session, channel, ctx.runtime.clock())
            line = schedule_line(channel)
            session.commit()
    if channel is None:
        ctx.reply(NOT_ENROLLED)
        return
    log.info("channel %s resumed by %s", ctx.channel_id, ctx.user_id)
    ctx.reply(f"Resumed. Schedule: {line}." if changed else f"Practice here is already on: {line}.")


@subcommand("now", manager_only=True)
def post_today_now(ctx: CommandContext) -> None:
    runtime = ctx.runtime
    with unit_of_work(runtime.sessions) as session:
        channel = get_channel(session, ctx.team_id, ctx.channel_id)
        # post_now commits its claim before calling Slack (bot/practice/posting.py).
        outcome = (
            post_now(
                session,
                channel,
                runtime.clock(),
                library=runtime.library,
                publisher=SlackPublisher(runtime.slack),
            )
            if channel is not None
            else None
        )
    if outcome is None:
        ctx.reply(NOT_ENROLLED)
        return
    if outcome.status == "posted":
        ctx.reply("Posted today's prompt. Answers go in its thread.")
    elif outcome.status == "exists":
        ctx.reply("Today's prompt is already up in this channel; there is one per day.")
    elif outcome.status == "no-content":
        ctx.reply(f"I could not find the content pack `{outcome.detail}`; pick another in setup.")
    else:
        ctx.reply(f"I could not post the prompt ({outcome.detail}). It is logged; try again.")
