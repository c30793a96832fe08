"""Posting the day's prompt as due-work: once per channel and local date, whatever happens."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import SessionFactory
from bot.models import Channel, PromptPost
from bot.practice.ports import PublishError
from bot.practice.posting import CLAIM_LEASE, PostOutcome
from bot.services.prompts import post_due_prompts, post_prompt_now
from tests import builders as b
from tests.at_once import run_at_once
from tests.conftest import utc
from tests.fakes import FakePublisher


def post_prompts(session: Session, now: datetime, **kwargs: Any) -> list[PostOutcome]:
    """The post-prompt service on the test's database (its own units of work)."""
    outcomes = post_due_prompts(b.sessions_like(session), now, **kwargs)
    session.expire_all()
    return outcomes


def post_now(session: Session, channel: Channel, now: datetime, **kwargs: Any) -> PostOutcome:
    """`/practice now` through its service, on the test's database."""
    team_id, channel_id = channel.team_id, channel.channel_id  # read before the service runs
    kwargs.setdefault("may_manage", lambda _creator: True)
    outcome = post_prompt_now(b.sessions_like(session), team_id, channel_id, now, **kwargs)
    session.expire_all()
    assert outcome is not None
    return outcome


def post_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(PromptPost)) or 0


def test_posts_once_when_the_post_time_has_passed(session: Session, library: Library) -> None:
    b.channel(session)
    publisher = FakePublisher()
    monday = utc(2026, 3, 2, 8, 59)
    assert post_prompts(session, monday, library=library, publisher=publisher) == []
    outcomes = post_prompts(
        session, monday.replace(hour=9, minute=0), library=library, publisher=publisher
    )
    assert [o.status for o in outcomes] == ["posted"]
    again = post_prompts(session, monday.replace(hour=15), library=library, publisher=publisher)
    assert again == []
    assert len(publisher.posted) == 1
    post = session.scalars(select(PromptPost)).one()
    assert post.message_ts == publisher.posted[0][2]
    assert post.answers_close_at == utc(2026, 3, 2, 15, 0)
    assert post.reviews_close_at == utc(2026, 3, 3, 9, 0)


def test_weekend_gets_no_prompt_by_default(session: Session, library: Library) -> None:
    b.channel(session)
    saturday = utc(2026, 3, 7, 12)
    assert post_prompts(session, saturday, library=library, publisher=FakePublisher()) == []


def test_paused_channel_gets_nothing(session: Session, library: Library) -> None:
    b.channel(session, paused=True, paused_reason="test")
    assert (
        post_prompts(session, utc(2026, 3, 2, 10), library=library, publisher=FakePublisher()) == []
    )


def test_catch_up_after_downtime_posts_today_only(session: Session, library: Library) -> None:
    b.channel(session)
    publisher = FakePublisher()
    # Down all of Monday and Tuesday; back on Wednesday afternoon.
    outcomes = post_prompts(session, utc(2026, 3, 4, 16), library=library, publisher=publisher)
    assert [(o.local_date, o.status) for o in outcomes] == [(date(2026, 3, 4), "posted")]
    assert post_count(session) == 1


def test_each_channel_posts_at_its_own_local_time(session: Session, library: Library) -> None:
    b.channel(session, "C-TOKYO", tz="Asia/Tokyo")
    b.channel(session, "C-LA", tz="America/Los_Angeles")
    publisher = FakePublisher()
    # 00:30 UTC Monday = 09:30 Monday in Tokyo, 16:30 Sunday in Los Angeles.
    post_prompts(session, utc(2026, 3, 2, 0, 30), library=library, publisher=publisher)
    assert [c for c, _, _ in publisher.posted] == ["C-TOKYO"]
    # 17:00 UTC Monday = 09:00 Monday in Los Angeles (PST).
    post_prompts(session, utc(2026, 3, 2, 17, 0), library=library, publisher=publisher)
    assert [c for c, _, _ in publisher.posted] == ["C-TOKYO", "C-LA"]


def test_channels_sharing_a_schedule_post_together_and_one_with_its_own_time_waits(
    session: Session, library: Library
) -> None:
    # The scan works out each distinct schedule once (`due_by_clock`): the channel whose post
    # time differs must not ride along with the three that share Tokyo's default.
    for name in ("C-T1", "C-T2", "C-T3"):
        b.channel(session, name, tz="Asia/Tokyo")
    b.channel(session, "C-LATE", tz="Asia/Tokyo", post_time="10:00")
    b.channel(session, "C-LA", tz="America/Los_Angeles")
    publisher = FakePublisher()
    # 00:30 UTC Monday = 09:30 in Tokyo, 16:30 Sunday in Los Angeles.
    post_prompts(session, utc(2026, 3, 2, 0, 30), library=library, publisher=publisher)
    assert sorted(c for c, _, _ in publisher.posted) == ["C-T1", "C-T2", "C-T3"]
    post_prompts(session, utc(2026, 3, 2, 1, 0), library=library, publisher=publisher)
    assert [c for c, _, _ in publisher.posted][3:] == ["C-LATE"]


def test_dst_change_moves_the_utc_post_time(session: Session, library: Library) -> None:
    b.channel(session, tz="America/New_York")
    publisher = FakePublisher()
    # Friday before the change: 09:00 EST = 14:00 UTC.
    assert (
        post_prompts(session, utc(2026, 3, 6, 13, 59), library=library, publisher=publisher) == []
    )
    assert (
        len(post_prompts(session, utc(2026, 3, 6, 14, 0), library=library, publisher=publisher))
        == 1
    )
    # Monday after the change: 09:00 EDT = 13:00 UTC.
    assert (
        len(post_prompts(session, utc(2026, 3, 9, 13, 0), library=library, publisher=publisher))
        == 1
    )


def test_failed_slack_call_leaves_the_day_retryable(session: Session, library: Library) -> None:
    b.channel(session)
    publisher = FakePublisher(fail_with=[PublishError("ratelimited", permanent=False)])
    first = post_prompts(session, utc(2026, 3, 2, 9), library=library, publisher=publisher)
    assert [o.status for o in first] == ["failed"]
    assert post_count(session) == 0
    second = post_prompts(session, utc(2026, 3, 2, 9, 1), library=library, publisher=publisher)
    assert [o.status for o in second] == ["posted"]
    assert post_count(session) == 1


def test_permanent_slack_error_pauses_the_channel(session: Session, library: Library) -> None:
    channel = b.channel(session)
    publisher = FakePublisher(fail_with=[PublishError("channel_not_found", permanent=True)])
    outcomes = post_prompts(session, utc(2026, 3, 2, 9), library=library, publisher=publisher)
    assert [o.status for o in outcomes] == ["paused"]
    session.refresh(channel)
    assert channel.paused and "channel_not_found" in (channel.paused_reason or "")
    assert post_prompts(session, utc(2026, 3, 2, 10), library=library, publisher=publisher) == []


def test_stale_claim_from_a_dead_process_is_taken_over(session: Session, library: Library) -> None:
    channel = b.channel(session)
    now = utc(2026, 3, 2, 9)
    # A process claimed the day and died before Slack answered: no ts stored.
    stale = b.post(session, channel, date(2026, 3, 2), posted=False)
    assert stale.claimed_at == now
    session.commit()
    publisher = FakePublisher()
    assert (
        post_prompts(session, now + timedelta(minutes=1), library=library, publisher=publisher)
        == []
    )
    later = now + CLAIM_LEASE + timedelta(seconds=1)
    outcomes = post_prompts(session, later, library=library, publisher=publisher)
    assert [o.status for o in outcomes] == ["posted"]
    assert post_count(session) == 1


def test_post_now_posts_off_schedule_but_never_twice(session: Session, library: Library) -> None:
    channel = b.channel(session)
    publisher = FakePublisher()
    sunday = utc(2026, 3, 8, 7)
    assert (
        post_now(session, channel, sunday, library=library, publisher=publisher).status == "posted"
    )
    assert (
        post_now(session, channel, sunday, library=library, publisher=publisher).status == "exists"
    )
    assert len(publisher.posted) == 1


def test_prompts_do_not_repeat_until_the_pack_is_used_up(
    session: Session, library: Library
) -> None:
    b.channel(session, weekdays="1,2,3,4,5,6,7")
    publisher = FakePublisher()
    size = len(library.packs["pmm"].prompts)
    start = utc(2026, 3, 2, 9)
    for day in range(size):
        post_prompts(session, start + timedelta(days=day), library=library, publisher=publisher)
    ids = list(session.scalars(select(PromptPost.prompt_id).order_by(PromptPost.local_date)))
    assert len(ids) == size and len(set(ids)) == size


def test_two_processes_at_once_post_once(sessions: SessionFactory, library: Library) -> None:
    with sessions() as session:
        for i in range(5):
            b.channel(session, f"C{i}")
    publisher = FakePublisher()

    def run(now: datetime) -> None:
        with sessions() as session:
            post_prompts(session, now, library=library, publisher=publisher)

    assert run_at_once([lambda i=i: run(utc(2026, 3, 2, 9, i)) for i in range(4)]) == []
    assert sorted(c for c, _, _ in publisher.posted) == [f"C{i}" for i in range(5)]
