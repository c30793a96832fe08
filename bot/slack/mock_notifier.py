"""The mock port (`MockNotifier`) implemented with the Slack Web API."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk import WebClient

from bot.content import Criterion
from bot.practice.mocks.notices import MatchNotice, Reveal
from bot.practice.mocks.queue import ExpiredRequest
from bot.practice.mocks.views import MatchView, RoundView
from bot.practice.ports import PublishError
from bot.slack.errors import publish_errors
from bot.slack.gateway import SlackGateway
from bot.slack.render.calendar import ICS_NAME, invite_ics
from bot.slack.render.mock import guide_blocks, intro_blocks
from bot.slack.render.mock_feedback import reveal_text
from bot.slack.render.mock_times import expired_text, local_times, notice_message

log = logging.getLogger(__name__)


class SlackMockNotifier:
    def __init__(self, gateway: SlackGateway) -> None:
        self.gateway = gateway

    def _call(self, team_id: str, call: Callable[[WebClient], Any]) -> Any:
        with publish_errors():
            return call(self.gateway.client_for(team_id))

    def _open(self, team_id: str, users: list[str]) -> str:
        response = self._call(team_id, lambda c: c.conversations_open(users=",".join(users)))
        return str(response["channel"]["id"])

    def post_intro(self, match: MatchView, rnd: RoundView, notes: Mapping[str, str]) -> str:
        group = match.conversation_id or self._open(match.team_id, [match.user_a, match.user_b])
        text, blocks = intro_blocks(match, rnd, notes)
        self._call(
            match.team_id,
            lambda c: c.chat_postMessage(channel=group, text=text, blocks=blocks),
        )
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
            self._call(
                match.team_id,
                lambda c: c.files_upload_v2(
                    channel=group,
                    content=content,
                    filename=ICS_NAME,
                    title="Calendar invite for your mock",
                ),
            )
        except PublishError as exc:
            log.warning("could not attach mock %s's invite: %s", match.id, exc.reason)

    def send_guide(self, match: MatchView, rnd: RoundView, rubric: tuple[Criterion, ...]) -> None:
        guide_text, guide = guide_blocks(match, rnd, rubric)
        private = self._open(match.team_id, [rnd.interviewer_id])
        self._call(
            match.team_id,
            lambda c: c.chat_postMessage(channel=private, text=guide_text, blocks=guide),
        )

    def request_expired(self, expired: ExpiredRequest) -> None:
        channel = self._open(expired.team_id, [expired.user_id])
        text = expired_text(expired)
        self._call(expired.team_id, lambda c: c.chat_postMessage(channel=channel, text=text))

    def send_notice(self, notice: MatchNotice) -> None:
        team_id = notice.match.team_id
        channel = self._open(team_id, [notice.user_id])
        text, blocks = notice_message(notice)
        self._call(team_id, lambda c: c.chat_postMessage(channel=channel, text=text, blocks=blocks))

    def post_reveal(self, reveal: Reveal) -> None:
        match = reveal.match
        group = match.conversation_id or self._open(match.team_id, [match.user_a, match.user_b])
        text = reveal_text(reveal.round, reveal.scores, reveal.names, reveal.rating, reveal.comment)
        self._call(match.team_id, lambda c: c.chat_postMessage(channel=group, text=text))
