"""`/practice leaderboard [last | why @user [last]]`, `/practice stats` (ephemeral views) and
`/practice scoring [KEY VALUE | reset]` (a channel's scoring settings; managers only)."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.db import unit_of_work
from bot.practice.channels import get_channel
from bot.practice.leaderboard.stats import personal_stats
from bot.practice.leaderboard.tally import tally_week
from bot.practice.schedule import local_date, week_start
from bot.practice.scoring import (
    ScoringSettingError,
    describe_settings,
    reset_channel_settings,
    rules_for,
    set_channel_setting,
)
from bot.practice.weekly_post import criterion_names
from bot.slack.listeners.commands.registry import CommandContext, subcommand
from bot.slack.render.leaderboard import standings_blocks, stats_text, why_text

NOT_ENROLLED = (
    "There is no practice in this channel yet, so no leaderboard. Run this in a channel I "
    "post prompts in, or invite me here first (`/invite @Practice Bot`)."
)
USAGE = (
    "Try `/practice leaderboard` (this week), `/practice leaderboard last` (last week) or "
    "`/practice leaderboard why @name` (how that row's points were made)."
)
# Slack escapes a mention in command text as <@U123|name> (or <@U123> without a name).
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def parse_leaderboard_args(args: str) -> tuple[bool, str | None] | str:
    """(last week?, user to explain or None), or a message saying what is wrong."""
    words = args.split()
    last = False
    if words and words[-1].lower() == "last":
        last = True
        words = words[:-1]
    if not words:
        return last, None
    if words[0].lower() != "why":
        return f"I don't know `{args}`. {USAGE}"
    if len(words) != 2:
        return "Whose row? Mention one person: `/practice leaderboard why @name`."
    match = MENTION.match(words[1])
    if match is None:
        return (
            f"`{words[1]}` is not a mention. Pick the person from the @ list: "
            "`/practice leaderboard why @name`."
        )
    return last, match.group(1)


@subcommand("leaderboard")
def leaderboard(ctx: CommandContext) -> None:
    parsed = parse_leaderboard_args(ctx.args)
    if isinstance(parsed, str):
        ctx.reply(parsed)
        return
    last, explain = parsed
    runtime = ctx.runtime
    with unit_of_work(runtime.sessions) as session:
        channel = get_channel(session, ctx.team_id, ctx.channel_id)
        if channel is not None:
            monday = week_start(local_date(runtime.clock(), channel.timezone))
            if last:
                monday -= timedelta(days=7)
            week = tally_week(session, channel, monday)
            names = criterion_names(runtime.library, channel)
    # Replies go out after the session is closed: no transaction is held across Slack calls.
    if channel is None:
        ctx.reply(NOT_ENROLLED)
        return
    if explain is not None:
        ctx.reply(why_text(week, explain, names=names, last=last))
        return
    text, blocks = standings_blocks(week, caller=ctx.user_id, names=names, last=last)
    ctx.reply(text, blocks)


@subcommand("stats")
def stats(ctx: CommandContext) -> None:
    runtime = ctx.runtime
    with unit_of_work(runtime.sessions) as session:
        channel = get_channel(session, ctx.team_id, ctx.channel_id)
        if channel is not None:
            result = personal_stats(session, channel, ctx.user_id, runtime.clock())
            names = criterion_names(runtime.library, channel)
    if channel is None:
        ctx.reply(NOT_ENROLLED)
        return
    ctx.reply(stats_text(result, names))


SCORING_USAGE = (
    "`/practice scoring` shows this channel's settings; `/practice scoring KEY VALUE` changes "
    "one (e.g. `/practice scoring bias_correction on`); `/practice scoring reset` goes back to "
    "the defaults. Changes apply to every leaderboard from now on, this week's included."
)


@subcommand("scoring", manager_only=True)
def scoring(ctx: CommandContext) -> None:
    words = ctx.args.split()
    with unit_of_work(ctx.runtime.sessions) as session:
        channel = get_channel(session, ctx.team_id, ctx.channel_id)
        if channel is None:
            reply = NOT_ENROLLED
        elif not words:
            reply = (
                f"*Scoring in this channel*\n{describe_settings(rules_for(channel))}\n\n"
                f"{SCORING_USAGE}"
            )
        elif words == ["reset"] or len(words) == 2:
            try:
                if words == ["reset"]:
                    rules = reset_channel_settings(channel)
                    head = "Scoring is back to the defaults."
                else:
                    rules = set_channel_setting(channel, words[0], words[1])
                    head = f"Changed `{words[0]}` to `{words[1]}`."
            except ScoringSettingError as exc:
                reply = str(exc)
            else:
                channel.updated_at = ctx.runtime.clock()
                session.commit()
                reply = f"{head}\n{describe_settings(rules)}"
        else:
            reply = SCORING_USAGE
    ctx.reply(reply)
