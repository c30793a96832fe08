"""The mock port (`MockNotifier`) implemented with the Slack Web API."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.content import Criterion
from bot.practice.members.dm_policy import DmKind
from bot.practice.mocks.notices import REMINDERS, MatchNotice, Reveal
from bot.practice.mocks.queue import ExpiredRequest
from bot.practice.mocks.views import MatchView, RoundView
from bot.practice.ports import PublishError
from bot.slack.dm import DirectMessages
from bot.slack.render.calendar import ICS_NAME, invite_ics
from bot.slack.render.mock import guide_blocks, intro_blocks
from bot.slack.render.mock_feedback import reveal_text
from bot.slack.render.mock_times import expired_text, local_times, notice_message

log = logging.getLogger(__name__)


class SlackMockNotifier:
    """Every message here is a DM, so all go through `dms` (the members' settings)."""

    def __init__(self, dms: DirectMessages) -> None:
        self.dms = dms

    def post_intro(self, match: MatchView, rnd: RoundView, notes: Mapping[str, str]) -> str:
        text, blocks = intro_blocks(match, rnd, notes)
        _decided, group = self.dms.post_to_group(
            match.team_id,
            [match.user_a, match.user_b],
            DmKind.RESULT,
            text,
            blocks,
            conversation=match.conversation_id,
        )
        if not group:
            return ""
        if rnd.round == 1 and match.slot_start is not None:
            self._attach_invite(match, group, str(rnd.prompt.get("title") or "a case"))
        return group

    def _attach_invite(self, match: MatchView, group: str, case: str) -> None:
        """The calendar invite under the intro. A refused upload does not undo the intro (which
        names the time): it is logged, and the intro is not sent again for it."""
        content = invite_ics(
            match,
            "Mock interview (practice-bot)",
            f"Peer mock interview on {case}. Local times: {local_times(match, match.slot_start)}"
            if match.slot_start
            else "Peer mock interview",
        )
        try:
            self.dms.upload_to_group(
                match.team_id,
                [match.user_a, match.user_b],
                DmKind.RESULT,
                group,
                content=content,
                filename=ICS_NAME,
                title="Calendar invite for your mock",
            )
        except PublishError as exc:
            log.warning("could not attach mock %s's invite: %s", match.id, exc.reason)

    def send_guide(self, match: MatchView, rnd: RoundView, rubric: tuple[Criterion, ...]) -> None:
        guide_text, guide = guide_blocks(match, rnd, rubric)
        self.dms.post_to_group(
            match.team_id, [rnd.interviewer_id], DmKind.RESULT, guide_text, guide
        )

    def request_expired(self, expired: ExpiredRequest) -> None:
        self.dms.post_to_group(
            expired.team_id, [expired.user_id], DmKind.REMINDER, expired_text(expired)
        )

    def send_notice(self, notice: MatchNotice) -> None:
        # Reminders before a mock are useless once it started: its start is their deadline.
        text, blocks = notice_message(notice)
        deadline = notice.match.slot_start if notice.kind in REMINDERS else None
        self.dms.send(
            notice.match.team_id,
            notice.user_id,
            DmKind.REMINDER,
            text,
            blocks,
            deadline=deadline,
        )

    def post_reveal(self, reveal: Reveal) -> None:
        match = reveal.match
        text = reveal_text(reveal.round, reveal.scores, reveal.names, reveal.rating, reveal.comment)
        self.dms.post_to_group(
            match.team_id,
            [match.user_a, match.user_b],
            DmKind.RESULT,
            text,
            conversation=match.conversation_id,
        )
