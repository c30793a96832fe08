"""A target interview's DMs (plan, drill, "how did it go?") through `DirectMessages`."""

from __future__ import annotations

from bot.practice.members.dm_policy import DmDecision, DmKind
from bot.practice.members.goals import DRILL, PLAN, GoalDm
from bot.slack.dm import DirectMessages
from bot.slack.render.goals import after_message, drill_message, plan_message


class SlackGoalNotifier:
    def __init__(self, dms: DirectMessages) -> None:
        self.dms = dms

    def send(self, dm: GoalDm) -> DmDecision:
        render = {PLAN: plan_message, DRILL: drill_message}.get(dm.kind, after_message)
        text, blocks = render(dm)
        # Nudges: away, "reminders none" or "brief" skip them; quiet hours hold them.
        return self.dms.send(dm.team_id, dm.user_id, DmKind.REMINDER, text, blocks)
