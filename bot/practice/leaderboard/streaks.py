"""Streaks that forgive (issue 25): practice weeks in a row, with earned freezes.

A practice week (Monday to Sunday, the channel's time zone) is one in which the member did at
least one thing that counts: an answer (always), a completed review and a scored mock round
(each unless the channel's `streak_reviews`/`streak_mocks` is off). Walking the weeks oldest
first: a practice week adds one, and every `FREEZE_EVERY`th one earns a freeze (at most
`MAX_FREEZES` in hand); a week in which the member was away (any day of it) neither adds nor
breaks; a missed week uses a freeze if there is one, else the streak starts again. The week in
progress adds when practised and never breaks. Pure arithmetic in `walk`; `weekly_streaks`
reads what it needs for up to `STREAK_WEEKS` weeks back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import (
    Answer,
    AwayPeriod,
    Channel,
    MockMatch,
    MockScore,
    PromptPost,
    ReviewAssignment,
)
from bot.practice.schedule import local_instant, week_start, zone
from bot.practice.scoring import rules_for

FREEZE_EVERY = 4  # practice weeks that earn one freeze
MAX_FREEZES = 2  # freezes a member can hold
STREAK_WEEKS = 52  # how far back a streak is read


class WeekStatus(StrEnum):
    PRACTISED = "practised"
    AWAY = "away"
    MISSED = "missed"
    OPEN = "open"  # the week in progress, not practised yet


@dataclass(frozen=True)
class Streak:
    weeks: int = 0  # practice weeks in a row (frozen and away weeks kept it alive)
    freezes: int = 0  # freezes in hand
    frozen: tuple[date, ...] = ()  # Mondays of the missed weeks a freeze covered
    this_week: bool = False  # practised in the week in progress


def walk(weeks: Sequence[tuple[date, WeekStatus]]) -> Streak:
    """The streak after `weeks` (Mondays with their status, oldest first)."""
    count, freezes, frozen = 0, 0, []
    practised_now = False
    for monday, status in weeks:
        if status is WeekStatus.PRACTISED:
            count += 1
            if count % FREEZE_EVERY == 0:
                freezes = min(MAX_FREEZES, freezes + 1)
        elif status is WeekStatus.MISSED:
            if freezes:
                freezes -= 1
                frozen.append(monday)
            else:
                count, frozen = 0, []
        practised_now = status is WeekStatus.PRACTISED
    return Streak(count, freezes, tuple(frozen), practised_now)


def weekly_streaks(
    session: Session, channel: Channel, users: Iterable[str], today: date
) -> dict[str, Streak]:
    """Each user's streak in the channel with the week of `today` in progress."""
    wanted = sorted(set(users))
    if not wanted:
        return {}
    current = week_start(today)
    first = current - timedelta(weeks=STREAK_WEEKS - 1)
    practised = practice_weeks(session, channel, wanted, first, current + timedelta(days=7))
    away = _away_weeks(session, channel.team_id, wanted, first, current)
    mondays = [first + timedelta(weeks=i) for i in range(STREAK_WEEKS)]
    result = {}
    for user in wanted:
        mine = practised.get(user, set())
        # A streak starts at the member's first practice week in the window.
        start = min(mine, default=current)
        result[user] = walk(
            [
                (m, _status(m, m == current, mine, away.get(user, set())))
                for m in mondays
                if m >= start
            ]
        )
    return result


def _status(monday: date, current: bool, practised: set[date], away: set[date]) -> WeekStatus:
    if monday in practised:
        return WeekStatus.PRACTISED
    if current:
        return WeekStatus.OPEN
    return WeekStatus.AWAY if monday in away else WeekStatus.MISSED


def practice_weeks(
    session: Session, channel: Channel, users: list[str] | None, first: date, end: date
) -> dict[str, set[date]]:
    """Mondays of the weeks each user (None: everyone) practised in the channel, in [first,
    end); `first` and `end` are Mondays."""
    rules = rules_for(channel)
    weeks: dict[str, set[date]] = defaultdict(set)
    posts = (
        PromptPost.channel_pk == channel.id,
        PromptPost.local_date >= first,
        PromptPost.local_date < end,
    )
    for user, day in session.execute(
        select(Answer.user_id, PromptPost.local_date)
        .join(PromptPost, PromptPost.id == Answer.post_id)
        .where(*posts, *_among(Answer.user_id, users), Answer.withdrawn.is_(False))
        .distinct()
    ):
        weeks[user].add(week_start(day))
    if rules.streak_reviews:
        for user, day in session.execute(
            select(ReviewAssignment.reviewer_id, PromptPost.local_date)
            .join(PromptPost, PromptPost.id == ReviewAssignment.post_id)
            .where(
                *posts,
                *_among(ReviewAssignment.reviewer_id, users),
                ReviewAssignment.scored_at.is_not(None),
            )
            .distinct()
        ):
            weeks[user].add(week_start(day))
    if rules.streak_mocks:
        start = local_instant(first, time(0), channel.timezone)
        stop = local_instant(end, time(0), channel.timezone)
        tz = zone(channel.timezone)
        for candidate, interviewer, at in session.execute(
            select(MockScore.candidate_id, MockScore.interviewer_id, MockScore.created_at)
            .join(MockMatch, MockMatch.id == MockScore.match_id)
            .where(
                MockMatch.team_id == channel.team_id,
                MockScore.created_at >= start,
                MockScore.created_at < stop,
            )
        ):
            monday = week_start(at.astimezone(tz).date())
            for user in (candidate, interviewer):
                if users is None or user in users:
                    weeks[user].add(monday)
    return weeks


def _among(column: Any, users: list[str] | None) -> list[Any]:
    return [] if users is None else [column.in_(users)]


def _away_weeks(
    session: Session, team_id: str, users: list[str], first: date, last_monday: date
) -> dict[str, set[date]]:
    """Mondays of the weeks in which each user was away on at least one day."""
    weeks: dict[str, set[date]] = defaultdict(set)
    for user, start, end in session.execute(
        select(AwayPeriod.user_id, AwayPeriod.first, AwayPeriod.last).where(
            AwayPeriod.team_id == team_id,
            AwayPeriod.user_id.in_(users),
            AwayPeriod.last >= first,
            AwayPeriod.first <= last_monday + timedelta(days=6),
        )
    ):
        monday = week_start(max(start, first))
        while monday <= min(end, last_monday + timedelta(days=6)):
            weeks[user].add(monday)
            monday += timedelta(weeks=1)
    return weeks
