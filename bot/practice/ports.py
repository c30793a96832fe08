"""What the domain needs from the outside world, as protocols (Slack lives behind them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.content import Criterion

if TYPE_CHECKING:
    from datetime import datetime

    from bot.practice.answers import RecordedAnswer
    from bot.practice.channels import ChannelView
    from bot.practice.members.drill_reviews import DrillBrief, DrillChallenge, DrillResult
    from bot.practice.mocks.notices import MatchNotice, Reveal
    from bot.practice.mocks.queue import ExpiredRequest
    from bot.practice.mocks.views import MatchView, RoundView
    from bot.practice.posting import PromptToPost
    from bot.practice.recovery import ThreadReply
    from bot.practice.reviews.notices import AuthorSummary, ReviewerBrief, ShortNotice, ThreadNotes
    from bot.practice.reviews.standins import OfferNotice, PassedNotice
    from bot.practice.reviews.votes import ReviewTarget
    from bot.practice.season_post import SeasonReport
    from bot.practice.weekly_post import WeeklyReport


class PublishError(Exception):
    """A post could not be made. `permanent` says whether retrying later can help (the
    adapter decides: `bot/slack/errors.py` maps Slack's error codes)."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class PromptPublisher(Protocol):
    def find_prompt(self, post: PromptToPost) -> str | None:
        """The ts of this post's message if an earlier attempt did get it posted (a process
        killed after Slack accepted the call, before the ts was stored), else None."""
        ...

    def post_prompt(self, post: PromptToPost) -> str:
        """Post the day's prompt; returns the message ts. Raises PublishError."""
        ...


class DrillNotifier(Protocol):
    """A drill answer's review on request: the reviewer's brief and the author's scores."""

    def send_drill_brief(self, brief: DrillBrief) -> object: ...

    def send_drill_result(self, result: DrillResult) -> object: ...

    def send_drill_challenge(self, challenge: DrillChallenge) -> object: ...


class ReviewNotifier(Protocol):
    """Skeptic reviews (issue 4): DMs to reviewers and authors, notes in the prompt's thread.

    Each method raises PublishError (or any error) on failure; the domain has claimed the
    delivery before calling and releases or logs it.
    """

    def send_brief(self, brief: ReviewerBrief, *, reminder: bool) -> None:
        """DM a reviewer the answers they review on one post (or a reminder of those)."""
        ...

    def send_summary(self, summary: AuthorSummary) -> None:
        """DM an author what their reviewers said once reviews closed."""
        ...

    def post_notes(self, notes: ThreadNotes) -> str:
        """Post the prompt's "what strong answers did" notes in its thread; returns the ts."""
        ...

    def post_short_notice(self, notice: ShortNotice) -> str:
        """Say in the thread that some answers got fewer reviewers (or none); returns the ts."""
        ...

    def post_challenge(self, target: ReviewTarget, text: str) -> str:
        """Post a reviewer's challenge in the prompt's thread; returns its ts."""
        ...

    def update_brief(
        self, brief: ReviewerBrief, dm_channel: str | None = None, ts: str | None = None
    ) -> bool:
        """Rewrite a reviewer's brief DM in place (`dm_channel` and `ts` when known, else
        found by its metadata); False when it was not found."""
        ...

    def send_standin_offer(self, offer: OfferNotice) -> None:
        """DM a member an offer to stand in for a review left undone, with a button to take it."""
        ...

    def tell_passed_on(self, notice: PassedNotice) -> None:
        """DM the original reviewer, politely, that their review was passed to a stand-in."""
        ...


@dataclass(frozen=True)
class ChannelFacts:
    """What Slack says of a channel the bot joined (empty when Slack will not say)."""

    name: str = ""
    creator_id: str | None = None


class ChannelDirectory(Protocol):
    """The bot joining a channel: what Slack knows of it and of the inviter, and the welcome
    (bot/slack/channel_directory.py)."""

    def user_tz(self, user_id: str) -> str | None:
        """The member's time zone (`users.info`), or None when Slack will not say."""
        ...

    def channel(self, channel_id: str) -> ChannelFacts:
        """The channel's name and creator (`conversations.info`)."""
        ...

    def welcome(self, channel: ChannelView) -> None:
        """Post the welcome in a channel just enrolled (or resumed)."""
        ...


class Installations(Protocol):
    """A workspace's stored Slack tokens and cached client (bot/slack/installations.py)."""

    def forget_user(self, team_id: str, user_id: str) -> None:
        """Delete one member's installation (their user token was revoked)."""
        ...

    def forget_workspace(self, team_id: str) -> None:
        """Delete every installation of the workspace and drop its cached client."""
        ...


class MockNotifier(Protocol):
    """Telling mock partners what happens (bot/slack/mock_notifier.py)."""

    def post_intro(self, match: MatchView, rnd: RoundView, notes: Mapping[str, str]) -> str:
        """Open (or reuse) the partners' group DM and post the round's intro with its buttons;
        returns the group DM's id. Raises PublishError."""
        ...

    def send_guide(self, match: MatchView, rnd: RoundView, rubric: tuple[Criterion, ...]) -> None:
        """DM the round's interviewer their private guide. Raises PublishError."""
        ...

    def request_expired(self, expired: ExpiredRequest) -> None:
        """Tell the user by DM that their request expired, and why. Raises PublishError."""
        ...

    def send_notice(self, notice: MatchNotice) -> None:
        """DM one partner a reminder, the check-in question or the pause notice.
        Raises PublishError."""
        ...

    def post_reveal(self, reveal: Reveal) -> None:
        """Post a round's feedback both ways in the group DM. Raises PublishError."""
        ...


class LeaderboardPublisher(Protocol):
    """Posts a channel's weekly leaderboard (message and chart); returns the message ts."""

    def post_leaderboard(self, channel: ChannelView, report: WeeklyReport) -> str: ...

    def post_season(self, channel: ChannelView, report: SeasonReport) -> str:
        """The monthly season post (bot/practice/season_post.py); returns its ts."""
        ...


class ThreadUnreadable(Exception):
    """A thread could not be read from Slack now (an error, the network, an uninstalled
    workspace); `reason` is for the log. Recovery tries it again on a later run."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ThreadReader(Protocol):
    """A prompt's thread as Slack shows it (bot/slack/thread_reader.py)."""

    def read(self, team_id: str, channel_id: str, thread_ts: str) -> Sequence[ThreadReply]:
        """Every person's reply in the thread, paced to Slack's rate tier. Raises
        ThreadUnreadable."""
        ...


class AnswerReceipts(Protocol):
    """The Slack side of a recorded answer (bot/slack/answer_receipts.py): a ✅ on a counted
    one, a private note on a late one. Failures are logged, not raised."""

    def acknowledge(
        self,
        team_id: str,
        channel_id: str,
        thread_ts: str,
        answer: RecordedAnswer,
        closes_at: datetime,
    ) -> None: ...
