"""The mock port (`MockNotifier`) implemented with the Slack Web API."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.content import Criterion
from bot.models import MockMatch, MockRound
from bot.practice.members.dm_policy import DmKind
from bot.slack.dm import DirectMessages
from bot.slack.render.mock import expired_text, guide_blocks, intro_blocks

log = logging.getLogger(__name__)


class SlackMockNotifier:
    """Every message here is a DM, so all go through `dms` (the members' settings)."""

    def __init__(self, dms: DirectMessages) -> None:
        self.dms = dms

    def post_intro(self, match: MockMatch, rnd: MockRound, notes: Mapping[str, str]) -> str:
        text, blocks = intro_blocks(match, rnd, notes)
        _decided, group = self.dms.post_to_group(
            match.team_id,
            [match.user_a, match.user_b],
            DmKind.RESULT,
            text,
            blocks,
            conversation=match.conversation_id,
        )
        return group

    def send_guide(self, match: MockMatch, rnd: MockRound, rubric: tuple[Criterion, ...]) -> None:
        guide_text, guide = guide_blocks(match, rnd, rubric)
        self.dms.post_to_group(
            match.team_id, [rnd.interviewer_id], DmKind.RESULT, guide_text, guide
        )

    def request_expired(self, team_id: str, user_id: str, note: str) -> None:
        self.dms.post_to_group(team_id, [user_id], DmKind.REMINDER, expired_text(note))
