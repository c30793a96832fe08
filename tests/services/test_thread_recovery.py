"""Thread recovery as a service: threads read through a `ThreadReader`, stored, and the
recovered answers acknowledged through `AnswerReceipts` only after their commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Answer
from bot.practice.answers import RecordedAnswer
from bot.practice.ports import ThreadUnreadable
from bot.practice.recovery import ThreadReply
from bot.services.review_window import recover_then_assign
from bot.services.thread_recovery import ASSIGN_ANYWAY_AFTER, recover_due
from tests import builders as b
from tests.fakes import FakeReviewNotifier

DAY = date(2026, 3, 2)  # a Monday


@dataclass
class FakeThreads:
    """Slack's threads by ts; a ts in `unreadable` fails as Slack being down would."""

    replies: dict[str, list[ThreadReply]] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)

    def read(self, team_id: str, channel_id: str, thread_ts: str) -> Sequence[ThreadReply]:
        if thread_ts in self.unreadable:
            raise ThreadUnreadable("ratelimited")
        return self.replies.get(thread_ts, [])


@dataclass
class FakeReceipts:
    given: list[tuple[str, str]] = field(default_factory=list)  # (user, ts) of each ✅ or note
    stored_when_given: list[int] = field(default_factory=list)  # answers in the database then

    session_of: Session | None = None

    def acknowledge(
        self,
        team_id: str,
        channel_id: str,
        thread_ts: str,
        answer: RecordedAnswer,
        closes_at: datetime,
    ) -> None:
        self.given.append((answer.user_id, answer.message_ts))
        if self.session_of is not None:
            count = self.session_of.scalar(select(func.count()).select_from(Answer))
            self.stored_when_given.append(int(count or 0))
            self.session_of.rollback()


def test_a_reply_events_missed_is_stored_and_acknowledged_after_its_commit(
    session: Session,
) -> None:
    post = b.post(session, b.channel(session), DAY)
    assert post.message_ts is not None
    closes = post.answers_close_at
    threads = FakeThreads({post.message_ts: [ThreadReply("U1", "1772442000.000200", "My answer")]})
    receipts = FakeReceipts(session_of=session)
    sessions = b.sessions_like(session)

    unread = recover_due(sessions, threads, receipts, closes, None)

    assert unread == frozenset()
    assert receipts.given == [("U1", "1772442000.000200")]
    assert receipts.stored_when_given == [1]  # committed before Slack was told
    assert session.scalar(select(Answer.user_id)) == "U1"


def test_an_unreadable_thread_holds_its_assignment_back_for_an_hour_only(
    session: Session,
) -> None:
    post = b.post(session, b.channel(session), DAY)
    assert post.message_ts is not None
    closes = post.answers_close_at
    threads = FakeThreads(unreadable={post.message_ts})
    sessions = b.sessions_like(session)

    held = recover_due(sessions, threads, FakeReceipts(), closes, None)
    later = closes + ASSIGN_ANYWAY_AFTER + timedelta(minutes=1)
    given_up = recover_due(sessions, threads, FakeReceipts(), later, None)

    assert held == frozenset({post.id})
    assert given_up == frozenset()


def test_nothing_is_due_before_answers_close(session: Session) -> None:
    post = b.post(session, b.channel(session), DAY)
    threads = FakeThreads(unreadable={str(post.message_ts)})
    before = post.answers_close_at - timedelta(minutes=1)
    sessions = b.sessions_like(session)
    assert recover_due(sessions, threads, FakeReceipts(), before.astimezone(UTC), None) == (
        frozenset()
    )


def _three_answers() -> list[ThreadReply]:
    return [
        ThreadReply(user, f"1772442000.00030{i}", f"An answer by {user}")
        for i, user in enumerate(("U1", "U2", "U3"))
    ]


def test_the_assign_run_reads_the_thread_back_then_assigns_the_recovered_answers(
    session: Session,
) -> None:
    post = b.post(session, b.channel(session), DAY)
    assert post.message_ts is not None
    threads = FakeThreads({post.message_ts: _three_answers()})
    notifier = FakeReviewNotifier()
    post_id, closes = post.id, post.answers_close_at

    run = recover_then_assign(
        b.sessions_like(session),
        closes,
        reader=threads,
        receipts=FakeReceipts(),
        notifier=notifier,
    )

    assert [(o.post_id, o.answers) for o in run.assigned] == [(post_id, 3)]
    assert run.assigned[0].assignments > 0  # the answers were stored before assigning


def test_the_assign_run_leaves_a_post_whose_thread_it_could_not_read(session: Session) -> None:
    post = b.post(session, b.channel(session), DAY)
    assert post.message_ts is not None
    b.reply(session, post, "U1", "1772442000.000400", "Stored before Slack went quiet")
    threads = FakeThreads(unreadable={post.message_ts})
    notifier = FakeReviewNotifier()
    closes = post.answers_close_at

    run = recover_then_assign(
        b.sessions_like(session),
        closes,
        reader=threads,
        receipts=FakeReceipts(),
        notifier=notifier,
    )

    assert run.assigned == []
    assert notifier.briefs == []
