"""`/practice me`: a member's own settings (away, quiet hours, reminders, being listed)."""

from __future__ import annotations

import logging

from bot.practice.members.settings import SettingsError
from bot.services.members import change_settings, my_settings
from bot.slack.listeners.commands.registry import CommandContext, subcommand
from bot.slack.permissions import user_info
from bot.slack.render.members import settings_reply

log = logging.getLogger(__name__)


@subcommand(
    "me",
    usage="`/practice me [away DATE|off] [quiet HH:MM-HH:MM|off] [reminders all|brief|none] "
    "[listed yes|no]`",
    help="your settings: away, quiet hours, reminders, being named on the leaderboard",
)
def me(ctx: CommandContext) -> None:
    now = ctx.runtime.clock()
    words = ctx.args.split()
    if not words:
        seen = my_settings(ctx.runtime.sessions, ctx.team_id, ctx.user_id, now)
        ctx.reply(settings_reply("", seen.prefs, seen.away_now, seen.away_next))
        return
    # Their time zone (after the ack: users.info can wait): away dates and quiet hours are theirs.
    tz = str(user_info(ctx.client, ctx.user_id).get("tz") or "") or None
    try:
        changed = change_settings(ctx.runtime.sessions, ctx.team_id, ctx.user_id, words, now, tz=tz)
    except SettingsError as exc:
        ctx.reply(str(exc))
        return
    log.info("%s changed their settings: %s", ctx.user_id, words[0])
    ctx.reply(settings_reply(changed.message, changed.prefs, changed.away_now, changed.away_next))
