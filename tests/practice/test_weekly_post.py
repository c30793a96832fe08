"""The weekly leaderboard post: due-work, once per channel and week, no post for quiet weeks."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import SessionFactory
from bot.models import Channel, LeaderboardPost
from bot.practice.channels import ChannelView
from bot.practice.claims import QUIET
from bot.practice.ports import PublishError
from bot.practice.weekly_post import LeaderboardOutcome, WeeklyReport, leaderboard_due
from bot.services.leaderboards import post_due_leaderboards
from bot.slack.render.chart import PNG_SIGNATURE, weekly_chart
from tests import builders as b
from tests.at_once import run_at_once
from tests.conftest import utc

MON = date(2026, 3, 2)


def post_leaderboards(session: Session, now: datetime, **kwargs: Any) -> list[LeaderboardOutcome]:
    """The post-leaderboard service on the test's database (its own units of work)."""
    outcomes = post_due_leaderboards(b.sessions_like(session), now, **kwargs)
    session.expire_all()
    return outcomes


@dataclass
class FakeLeaderboardPublisher:
    posted: list[tuple[str, WeeklyReport]] = field(default_factory=list)
    fail_with: list[PublishError] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def post_leaderboard(self, channel: ChannelView, report: WeeklyReport) -> str:
        if self.fail_with:
            raise self.fail_with.pop(0)
        with self.lock:
            self.posted.append((channel.channel_id, report))
            return f"17000000{len(self.posted)}.000100"


def active_week(session: Session, channel_id: str = "C1", tz: str = "UTC") -> Channel:
    ch = b.channel(session, channel_id, tz=tz)
    p = b.post(session, ch, MON)
    a = b.answer(session, p, "alice")
    b.review(session, a, "bob", 4)
    session.commit()
    return ch


def claims(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(LeaderboardPost)) or 0


def test_due_monday_nine_local_for_the_week_before(session: Session) -> None:
    ch = b.channel(session, tz="Europe/Berlin")
    clock = b.clock(ch)
    assert leaderboard_due(clock, utc(2026, 3, 9, 7, 59)) is None  # 08:59 in Berlin
    assert leaderboard_due(clock, utc(2026, 3, 9, 8, 0)) == MON
    assert leaderboard_due(clock, utc(2026, 3, 12, 12)) == MON  # later that week: still that week
    ch.leaderboard_weekday, ch.leaderboard_time = 5, "17:30"
    clock = b.clock(ch)
    assert leaderboard_due(clock, utc(2026, 3, 12, 12)) is None  # Thursday: not yet this week
    assert leaderboard_due(clock, utc(2026, 3, 13, 16, 30)) == MON  # Friday 17:30 in Berlin


def test_posts_once_per_channel_and_week(session: Session, library: Library) -> None:
    active_week(session)
    publisher = FakeLeaderboardPublisher()
    assert (
        post_leaderboards(session, utc(2026, 3, 9, 8), library=library, publisher=publisher) == []
    )
    outcomes = post_leaderboards(session, utc(2026, 3, 9, 9), library=library, publisher=publisher)
    assert [(o.week_start, o.status) for o in outcomes] == [(MON, "posted")]
    again = post_leaderboards(session, utc(2026, 3, 9, 10), library=library, publisher=publisher)
    assert again == []
    ((channel_id, report),) = publisher.posted
    assert channel_id == "C1" and [r.user_id for r in report.week.rows] == ["alice", "bob"]
    assert report.criterion_names["focus"] == "Focus"
    post = session.scalars(select(LeaderboardPost)).one()
    assert post.week_start == MON and post.message_ts and post.posted_at == utc(2026, 3, 9, 9)


def test_a_quiet_channel_gets_no_post(session: Session, library: Library) -> None:
    ch = b.channel(session)
    b.post(session, ch, MON)
    session.commit()
    publisher = FakeLeaderboardPublisher()
    outcomes = post_leaderboards(session, utc(2026, 3, 9, 9), library=library, publisher=publisher)
    assert [o.status for o in outcomes] == ["quiet"]
    assert publisher.posted == []
    # The quiet week is marked done: the next minute's tick does not tally it again.
    assert session.scalars(select(LeaderboardPost.message_ts)).all() == [QUIET]
    later = post_leaderboards(session, utc(2026, 3, 9, 9, 1), library=library, publisher=publisher)
    assert later == [] and publisher.posted == []


def test_failed_call_releases_the_week(session: Session, library: Library) -> None:
    active_week(session)
    publisher = FakeLeaderboardPublisher(fail_with=[PublishError("ratelimited", permanent=False)])
    first = post_leaderboards(session, utc(2026, 3, 9, 9), library=library, publisher=publisher)
    assert [o.status for o in first] == ["failed"] and claims(session) == 0
    second = post_leaderboards(session, utc(2026, 3, 9, 9, 1), library=library, publisher=publisher)
    assert [o.status for o in second] == ["posted"] and len(publisher.posted) == 1


def test_permanent_error_pauses_the_channel(session: Session, library: Library) -> None:
    ch = active_week(session)
    publisher = FakeLeaderboardPublisher(fail_with=[PublishError("is_archived", permanent=True)])
    outcomes = post_leaderboards(session, utc(2026, 3, 9, 9), library=library, publisher=publisher)
    assert [o.status for o in outcomes] == ["paused"]
    session.refresh(ch)
    assert ch.paused


def test_paused_channel_gets_no_leaderboard(session: Session, library: Library) -> None:
    ch = active_week(session)
    ch.paused = True
    session.commit()
    publisher = FakeLeaderboardPublisher()
    assert (
        post_leaderboards(session, utc(2026, 3, 9, 9), library=library, publisher=publisher) == []
    )


def test_two_processes_post_once(sessions: SessionFactory, library: Library) -> None:
    with sessions() as session:
        for i in range(4):
            active_week(session, f"C{i}")
    publisher = FakeLeaderboardPublisher()

    def run(now: datetime) -> None:
        with sessions() as session:
            post_leaderboards(session, now, library=library, publisher=publisher)

    assert run_at_once([lambda i=i: run(utc(2026, 3, 9, 9, i)) for i in range(4)]) == []
    assert sorted(c for c, _ in publisher.posted) == [f"C{i}" for i in range(4)]


def test_chart_is_a_png(session: Session, library: Library) -> None:
    active_week(session)
    publisher = FakeLeaderboardPublisher()
    post_leaderboards(session, utc(2026, 3, 9, 9), library=library, publisher=publisher)
    report = publisher.posted[0][1]
    png = weekly_chart(report.week.top(), report.trend, criterion_names=report.criterion_names)
    assert png.startswith(PNG_SIGNATURE) and len(png) > 5000
    assert weekly_chart([], []).startswith(PNG_SIGNATURE)


def test_a_long_name_is_cut_to_the_charts_margin() -> None:
    # The chart's layout is fixed: a name longer than the margin holds ends with an ellipsis
    # instead of running off the picture (the alt text keeps the whole name).
    from bot.slack.render.chart import NAME_CHARS, _fitted

    long = "Bartholomew Featherstonehaugh-Smythe"
    assert len(_fitted(long)) == NAME_CHARS and _fitted(long).endswith("\u2026")
    assert _fitted("Ana") == "Ana"
    assert weekly_chart([], [], names={"U1": long}).startswith(PNG_SIGNATURE)
