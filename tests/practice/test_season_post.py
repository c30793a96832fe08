"""The monthly season post: due on the first Monday, once per channel and month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Channel, MemberSettings, SeasonPost
from bot.practice.claims import QUIET
from bot.practice.ports import PublishError
from bot.practice.season_post import SeasonReport, season_due, season_report
from bot.services.seasons import post_due_seasons
from tests import builders as b
from tests.conftest import utc

MARCH = date(2026, 3, 1)  # Mondays: 2, 9, 16, 23, 30


@dataclass
class FakeSeasonPublisher:
    posted: list[SeasonReport] = field(default_factory=list)
    fail_with: list[PublishError] = field(default_factory=list)

    def post_season(self, channel: Channel, report: SeasonReport) -> str:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.posted.append(report)
        return f"17100000{len(self.posted)}.000100"


def a_month(session: Session) -> Channel:
    ch = b.channel(session)
    for week in range(4):
        post = b.post(session, ch, date(2026, 3, 2) + timedelta(weeks=week))
        b.answer(session, post, "ana")
        if week < 2:
            b.answer(session, post, "ben")  # two weeks: taking part, not yet a regular
        if week != 1:
            b.review(session, b.answer(session, post, "cy"), "ana", 4)
    session.add(
        MemberSettings(team_id=ch.team_id, user_id="cy", listed=False, updated_at=utc(2026, 3, 1))
    )
    session.commit()
    return ch


def test_due_from_the_first_monday_at_the_leaderboard_time(session: Session) -> None:
    clock = b.clock(b.channel(session, tz="Europe/Berlin"))
    assert season_due(clock, utc(2026, 4, 6, 6, 59)) is None  # 08:59 in Berlin, 6 April
    assert season_due(clock, utc(2026, 4, 6, 7, 0)) == MARCH
    assert season_due(clock, utc(2026, 4, 20, 12)) == MARCH  # later in April: still March's
    assert season_due(clock, utc(2026, 4, 3, 12)) is None  # 1-5 April: March's is not due yet


def test_the_months_totals_and_everyone_who_practised_three_weeks(session: Session) -> None:
    ch = a_month(session)
    report = season_report(session, ch, MARCH)
    assert report.weeks == 5 and report.members == 3
    assert report.answers == 4 + 2 + 3 and report.reviews == 3
    assert report.regulars == [("ana", 4)]  # ben: 2 weeks
    assert report.unnamed_regulars == 1  # cy: 3 weeks, not listed


def test_posted_once_per_channel_and_month_and_retried_after_a_failure(session: Session) -> None:
    a_month(session)
    sessions = b.sessions_like(session)
    publisher = FakeSeasonPublisher(fail_with=[PublishError("ratelimited", permanent=False)])
    first = post_due_seasons(sessions, utc(2026, 4, 6, 9), publisher=publisher)
    assert [o.status for o in first] == ["failed"] and publisher.posted == []
    again = post_due_seasons(sessions, utc(2026, 4, 6, 9, 1), publisher=publisher)
    assert [(o.month, o.status) for o in again] == [(MARCH, "posted")]
    assert post_due_seasons(sessions, utc(2026, 4, 13, 9), publisher=publisher) == []
    assert len(publisher.posted) == 1
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(SeasonPost)) == 1


def test_a_month_without_answers_gets_no_season_post(session: Session) -> None:
    b.post(session, b.channel(session), date(2026, 3, 2))
    session.commit()
    publisher = FakeSeasonPublisher()
    outcomes = post_due_seasons(b.sessions_like(session), utc(2026, 4, 6, 9), publisher=publisher)
    assert [o.status for o in outcomes] == ["quiet"] and publisher.posted == []
    # The quiet month is marked done: the next minute's tick does not count it again.
    assert session.scalars(select(SeasonPost.message_ts)).all() == [QUIET]
    later = post_due_seasons(b.sessions_like(session), utc(2026, 4, 6, 9, 1), publisher=publisher)
    assert later == [] and publisher.posted == []
