"""`/practice leaderboard [last | why @user [last]]`, `/practice stats` (ephemeral views) and
`/practice scoring [KEY VALUE | reset]` (a channel's scoring settings; managers only)."""

from __future__ import annotations

import re

from bot.practice.scoring import ScoringSettingError
from bot.services.channels import change_scoring, enrolled_rules
from bot.services.leaderboards import my_stats, standings
from bot.slack.listeners.commands.registry import CommandContext, subcommand
from bot.slack.render.leaderboard import standings_blocks, stats_text, why_text
from bot.slack.render.scoring import describe_settings, setting_error_text

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


@subcommand(
    "leaderboard",
    usage="`/practice leaderboard [last | why @user]`",
    help="this (or last) week's standings, or how a row was made",
)
def leaderboard(ctx: CommandContext) -> None:
    parsed = parse_leaderboard_args(ctx.args)
    if isinstance(parsed, str):
        ctx.reply(parsed)
        return
    last, explain = parsed
    runtime = ctx.runtime
    found = standings(
        runtime.sessions,
        ctx.team_id,
        ctx.channel_id,
        runtime.clock(),
        last=last,
        library=runtime.library,
        caller=ctx.user_id,
        explain=explain,
    )
    if found is None:
        ctx.reply(NOT_ENROLLED)
        return
    week, names = found.week, found.names
    if explain is not None:
        ctx.reply(why_text(week, explain, names=names, last=last, caller=ctx.user_id))
        return
    text, blocks = standings_blocks(week, caller=ctx.user_id, names=names, last=last)
    ctx.reply(text, blocks)


@subcommand("stats", help="your own progress")
def stats(ctx: CommandContext) -> None:
    runtime = ctx.runtime
    found = my_stats(
        runtime.sessions,
        ctx.team_id,
        ctx.channel_id,
        ctx.user_id,
        runtime.clock(),
        library=runtime.library,
    )
    if found is None:
        ctx.reply(NOT_ENROLLED)
        return
    ctx.reply(stats_text(found.stats, found.names))


SCORING_USAGE = (
    "`/practice scoring` shows this channel's settings; `/practice scoring KEY VALUE` changes "
    "one (e.g. `/practice scoring bias_correction on`); `/practice scoring reset` goes back to "
    "the defaults. Changes apply to every leaderboard from now on, this week's included."
)


@subcommand(
    "scoring",
    manager_only=True,
    usage="`/practice scoring [KEY VALUE | reset]`",
    help="this channel's scoring, bias correction, stand-ins and give to get",
)
def scoring(ctx: CommandContext) -> None:
    words = ctx.args.split()
    runtime = ctx.runtime
    if not words or (words != ["reset"] and len(words) != 2):
        current = enrolled_rules(
            runtime.sessions, ctx.team_id, ctx.channel_id, may_manage=ctx.may_manage
        )
        if current is None:
            ctx.reply(NOT_ENROLLED)
        elif words:
            ctx.reply(SCORING_USAGE)
        else:
            shown = describe_settings(current)
            ctx.reply(f"*Scoring in this channel*\n{shown}\n\n{SCORING_USAGE}")
        return
    try:
        rules = change_scoring(
            runtime.sessions,
            ctx.team_id,
            ctx.channel_id,
            words,
            runtime.clock(),
            may_manage=ctx.may_manage,
        )
    except ScoringSettingError as exc:
        ctx.reply(setting_error_text(exc))
        return
    if rules is None:
        ctx.reply(NOT_ENROLLED)
        return
    head = (
        "Scoring is back to the defaults."
        if words == ["reset"]
        else f"Changed `{words[0]}` to `{words[1]}`."
    )
    ctx.reply(f"{head}\n{describe_settings(rules)}")
