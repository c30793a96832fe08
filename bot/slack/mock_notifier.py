"""The mock port (`MockNotifier`) implemented with the Slack Web API."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk import WebClient

from bot.content import Criterion
from bot.models import MockMatch, MockRound
from bot.slack.errors import publish_errors
from bot.slack.gateway import SlackGateway
from bot.slack.render.mock import expired_text, guide_blocks, intro_blocks

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

    def post_intro(self, match: MockMatch, rnd: MockRound, notes: Mapping[str, str]) -> str:
        group = match.conversation_id or self._open(match.team_id, [match.user_a, match.user_b])
        text, blocks = intro_blocks(match, rnd, notes)
        self._call(
            match.team_id,
            lambda c: c.chat_postMessage(channel=group, text=text, blocks=blocks),
        )
        return group

    def send_guide(self, match: MockMatch, rnd: MockRound, rubric: tuple[Criterion, ...]) -> None:
        guide_text, guide = guide_blocks(match, rnd, rubric)
        private = self._open(match.team_id, [rnd.interviewer_id])
        self._call(
            match.team_id,
            lambda c: c.chat_postMessage(channel=private, text=guide_text, blocks=guide),
        )

    def request_expired(self, team_id: str, user_id: str, note: str) -> None:
        channel = self._open(team_id, [user_id])
        self._call(team_id, lambda c: c.chat_postMessage(channel=channel, text=expired_text(note)))
