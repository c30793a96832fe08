"""The domain's ports implemented with the Slack Web API, built once per process by
`bot.runtime.bootstrap` (`runtime.adapters`), instead of at each job and listener."""

from __future__ import annotations

from dataclasses import dataclass

from bot.slack.answer_receipts import SlackAnswerReceipts
from bot.slack.gateway import SlackGateway
from bot.slack.leaderboard_publisher import SlackLeaderboardPublisher
from bot.slack.mock_notifier import SlackMockNotifier
from bot.slack.publisher import SlackPublisher
from bot.slack.review_notifier import SlackReviewNotifier
from bot.slack.thread_reader import SlackThreadReader


@dataclass(frozen=True)
class SlackAdapters:
    prompts: SlackPublisher
    reviews: SlackReviewNotifier
    leaderboards: SlackLeaderboardPublisher
    mocks: SlackMockNotifier
    threads: SlackThreadReader
    receipts: SlackAnswerReceipts

    @classmethod
    def of(cls, gateway: SlackGateway) -> SlackAdapters:
        return cls(
            prompts=SlackPublisher(gateway),
            reviews=SlackReviewNotifier(gateway),
            leaderboards=SlackLeaderboardPublisher(gateway),
            mocks=SlackMockNotifier(gateway),
            threads=SlackThreadReader(gateway),
            receipts=SlackAnswerReceipts(gateway),
        )
