"""The domain's ports implemented with the Slack Web API, built once per process by
`bot.runtime.bootstrap` (`runtime.adapters`), instead of at each job and listener.

The notifiers that DM people (`reviews`, `mocks`) are made per use, judged at a time: every DM
goes through `DirectMessages` (the member's away, quiet hours and reminders), which needs the
job's `now` (or, for a listener, the runtime's clock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.db import SessionFactory
from bot.slack.answer_receipts import SlackAnswerReceipts
from bot.slack.dm import DirectMessages
from bot.slack.gateway import SlackGateway
from bot.slack.installations import SlackInstallations
from bot.slack.leaderboard_publisher import SlackLeaderboardPublisher
from bot.slack.mock_notifier import SlackMockNotifier
from bot.slack.publisher import SlackPublisher
from bot.slack.review_notifier import SlackReviewNotifier
from bot.slack.thread_reader import SlackThreadReader


@dataclass(frozen=True)
class SlackAdapters:
    gateway: SlackGateway
    sessions: SessionFactory
    clock: Callable[[], datetime]
    prompts: SlackPublisher
    leaderboards: SlackLeaderboardPublisher
    threads: SlackThreadReader
    receipts: SlackAnswerReceipts

    @classmethod
    def of(
        cls, gateway: SlackGateway, sessions: SessionFactory, clock: Callable[[], datetime]
    ) -> SlackAdapters:
        return cls(
            gateway=gateway,
            sessions=sessions,
            clock=clock,
            prompts=SlackPublisher(gateway),
            leaderboards=SlackLeaderboardPublisher(gateway),
            threads=SlackThreadReader(gateway),
            receipts=SlackAnswerReceipts(gateway),
        )

    def dms(self, now: datetime | None = None) -> DirectMessages:
        """DMs judged at `now` (a job's), or else at the runtime's clock (a listener's)."""
        return DirectMessages(self.gateway, self.sessions, now if now is not None else self.clock)

    def reviews(self, now: datetime | None = None) -> SlackReviewNotifier:
        return SlackReviewNotifier(self.gateway, self.dms(now))

    def mocks(self, now: datetime | None = None) -> SlackMockNotifier:
        return SlackMockNotifier(self.dms(now))

    def installations(self, enterprise_id: str | None = None) -> SlackInstallations:
        """The stored tokens of an event's workspace (`enterprise_id`: its Grid org)."""
        return SlackInstallations(self.gateway, enterprise_id)
