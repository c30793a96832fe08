"""Hand-written fakes for the domain's ports (no mocks: they keep what they were given)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.content import Criterion
from bot.practice.mocks.notices import MatchNotice, Reveal
from bot.practice.mocks.queue import ExpiredRequest
from bot.practice.mocks.views import MatchView, RoundView
from bot.practice.ports import PublishError
from bot.practice.posting import PromptToPost
from bot.practice.reviews.notices import AuthorSummary, ReviewerBrief, ShortNotice, ThreadNotes
from bot.practice.reviews.standins import OfferNotice, PassedNotice


@dataclass
class FakePublisher:
    posted: list[tuple[str, int, str]] = field(default_factory=list)  # (channel, post id, ts)
    fail_with: list[PublishError] = field(default_factory=list)  # raised in order, then ok
    next_ts: float = 1_700_000_000.0

    def find_prompt(self, post: PromptToPost) -> str | None:
        key = (post.channel_id, post.post_id)
        return next((ts for c, pid, ts in self.posted if (c, pid) == key), None)

    def post_prompt(self, post: PromptToPost) -> str:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.next_ts += 1
        ts = f"{self.next_ts:.6f}"
        self.posted.append((post.channel_id, post.post_id, ts))
        return ts


@dataclass
class FakeReviewNotifier:
    """Keeps every review message it was asked to send (issue 4)."""

    briefs: list[ReviewerBrief] = field(default_factory=list)
    reminders: list[ReviewerBrief] = field(default_factory=list)
    summaries: list[AuthorSummary] = field(default_factory=list)
    notes: list[ThreadNotes] = field(default_factory=list)
    short: list[ShortNotice] = field(default_factory=list)
    offers: list[OfferNotice] = field(default_factory=list)
    passed: list[PassedNotice] = field(default_factory=list)
    updated: list[tuple[ReviewerBrief, str | None, str | None]] = field(default_factory=list)
    fail_next: int = 0  # this many calls fail (transiently) before calls succeed

    def _maybe_fail(self) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise PublishError("ratelimited", permanent=False)

    def send_brief(self, brief: ReviewerBrief, *, reminder: bool) -> None:
        self._maybe_fail()
        (self.reminders if reminder else self.briefs).append(brief)

    def send_summary(self, summary: AuthorSummary) -> None:
        self._maybe_fail()
        self.summaries.append(summary)

    def post_notes(self, notes: ThreadNotes) -> str:
        self._maybe_fail()
        self.notes.append(notes)
        return f"notes.{len(self.notes)}"

    def post_short_notice(self, notice: ShortNotice) -> str:
        self._maybe_fail()
        self.short.append(notice)
        return f"short.{len(self.short)}"

    def update_brief(
        self, brief: ReviewerBrief, dm_channel: str | None = None, ts: str | None = None
    ) -> bool:
        self._maybe_fail()
        self.updated.append((brief, dm_channel, ts))
        return True

    def send_standin_offer(self, offer: OfferNotice) -> None:
        self._maybe_fail()
        self.offers.append(offer)

    def tell_passed_on(self, notice: PassedNotice) -> None:
        self._maybe_fail()
        self.passed.append(notice)


@dataclass
class FakeMockNotifier:
    """Keeps each announced round (match id, round, candidate, interviewer) and expiry DM."""

    announced: list[tuple[int, int, str, str]] = field(default_factory=list)
    expired: list[tuple[str, str]] = field(default_factory=list)  # (team, user)
    fail_with: list[PublishError] = field(default_factory=list)

    guides: list[tuple[int, int, str]] = field(default_factory=list)  # (match, round, to)
    fail_guide_with: list[PublishError] = field(default_factory=list)

    notices: list[tuple[int, str, str]] = field(default_factory=list)  # (match, user, kind)
    reveals: list[tuple[int, int]] = field(default_factory=list)  # (match, round)

    def post_intro(self, match: MatchView, rnd: RoundView, notes: Mapping[str, str]) -> str:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.announced.append((match.id, rnd.round, rnd.candidate_id, rnd.interviewer_id))
        return f"G{match.id}"

    def send_guide(self, match: MatchView, rnd: RoundView, rubric: tuple[Criterion, ...]) -> None:
        if self.fail_guide_with:
            raise self.fail_guide_with.pop(0)
        self.guides.append((match.id, rnd.round, rnd.interviewer_id))

    def request_expired(self, expired: ExpiredRequest) -> None:
        self.expired.append((expired.team_id, expired.user_id))

    def send_notice(self, notice: MatchNotice) -> None:
        self.notices.append((notice.match.id, notice.user_id, notice.kind))

    def post_reveal(self, reveal: Reveal) -> None:
        self.reveals.append((reveal.match.id, reveal.round.round))
