"""Hand-written fakes for the domain's ports (no mocks: they keep what they were given)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.content import Criterion
from bot.models import Channel, MockMatch, MockRound, PromptPost
from bot.practice.ports import PublishError


@dataclass
class FakePublisher:
    posted: list[tuple[str, int, str]] = field(default_factory=list)  # (channel, post id, ts)
    fail_with: list[PublishError] = field(default_factory=list)  # raised in order, then ok
    next_ts: float = 1_700_000_000.0

    def post_prompt(self, channel: Channel, post: PromptPost) -> str:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.next_ts += 1
        ts = f"{self.next_ts:.6f}"
        self.posted.append((channel.channel_id, post.id, ts))
        return ts


@dataclass
class FakeMockNotifier:
    """Keeps each announced round (match id, round, candidate, interviewer) and expiry DM."""

    announced: list[tuple[int, int, str, str]] = field(default_factory=list)
    expired: list[tuple[str, str]] = field(default_factory=list)  # (team, user)
    fail_with: list[PublishError] = field(default_factory=list)

    guides: list[tuple[int, int, str]] = field(default_factory=list)  # (match, round, to)
    fail_guide_with: list[PublishError] = field(default_factory=list)

    def post_intro(self, match: MockMatch, rnd: MockRound, notes: Mapping[str, str]) -> str:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.announced.append((match.id, rnd.round, rnd.candidate_id, rnd.interviewer_id))
        return f"G{match.id}"

    def send_guide(self, match: MockMatch, rnd: MockRound, rubric: tuple[Criterion, ...]) -> None:
        if self.fail_guide_with:
            raise self.fail_guide_with.pop(0)
        self.guides.append((match.id, rnd.round, rnd.interviewer_id))

    def request_expired(self, team_id: str, user_id: str, note: str) -> None:
        self.expired.append((team_id, user_id))
