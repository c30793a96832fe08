"""Hand-written fakes for the domain's ports (no mocks: they keep what they were given)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.models import Channel, PromptPost
from bot.practice.ports import PublishError


@dataclass
class FakePublisher:
    posted: list[tuple[str, int, str]] = field(default_factory=list)  # (channel, post id, ts)
    fail_with: list[PublishError] = field(default_factory=list)  # raised in order, then ok
    next_ts: float = 1_700_000_000.0

    def find_prompt(self, channel: Channel, post: PromptPost) -> str | None:
        key = (channel.channel_id, post.id)
        return next((ts for c, pid, ts in self.posted if (c, pid) == key), None)

    def post_prompt(self, channel: Channel, post: PromptPost) -> str:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.next_ts += 1
        ts = f"{self.next_ts:.6f}"
        self.posted.append((channel.channel_id, post.id, ts))
        return ts
