"""The weekly leaderboard post (the post-leaderboard due work)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import SessionFactory, read_only, unit_of_work
from bot.practice.channels import get_channel
from bot.practice.leaderboard.stats import PersonalStats, personal_stats
from bot.practice.leaderboard.tally import rows_to_read, tally_week, with_rows_shown
from bot.practice.leaderboard.week import Week
from bot.practice.members.settings import unlisted_members
from bot.practice.ports import LeaderboardPublisher, PublishError
from bot.practice.weekly_post import (
    ClaimedWeek,
    LeaderboardOutcome,
    claim_week,
    criterion_names,
    due_leaderboards,
    mark_quiet_week,
    release_week,
    store_week,
)
from bot.services.prompts import as_publish_error, channel_slack_id
from bot.services.publishing import claim_then_call
from bot.services.shared_weeks import SHARED, Key, MadeWeek, week_of

log = logging.getLogger(__name__)

# Tallies in one process at a time. They are CPU-bound Python: with the GIL, concurrent
# tallies add no throughput, only contention with the request threads' acks. (SQLite's write
# lock used to serialise them as a side effect, until reads became read-only transactions.)
_TALLYING = threading.BoundedSemaphore(1)


def post_due_leaderboards(
    sessions: SessionFactory,
    now: datetime,
    *,
    library: Library,
    publisher: LeaderboardPublisher,
    channel_id: str | None = None,
) -> list[LeaderboardOutcome]:
    """Post every weekly leaderboard due at `now`, each exactly once."""
    with read_only(sessions) as session:
        due = due_leaderboards(session, now, channel_id)
    return [post_leaderboard(sessions, pk, monday, now, library, publisher) for pk, monday in due]


def post_leaderboard(
    sessions: SessionFactory,
    channel_pk: int,
    monday: date,
    now: datetime,
    library: Library,
    publisher: LeaderboardPublisher,
) -> LeaderboardOutcome:
    """One channel's week: tallied and claimed, posted with no transaction open, stored."""
    unclaimed: list[LeaderboardOutcome] = []

    def claim(session: Session) -> ClaimedWeek | None:
        claimed = claim_week(session, channel_pk, monday, now, library)
        if isinstance(claimed, LeaderboardOutcome):
            unclaimed.append(claimed)  # a quiet week, or another process's
            return None
        return claimed

    def release(session: Session, _claimed: ClaimedWeek, exc: Exception) -> None:
        release_week(session, channel_pk, monday, now, as_publish_error(exc))

    try:
        done = claim_then_call(
            sessions,
            claim,
            lambda claimed: publisher.post_leaderboard(claimed.channel, claimed.report),
            release=release,
            store=lambda session, claimed, ts: store_week(session, claimed, ts, now),
        )
    except Exception as exc:
        if not isinstance(exc, PublishError):
            log.exception("posting the leaderboard in channel %s failed", channel_pk)
        failed = as_publish_error(exc)
        status = "paused" if failed.permanent else "failed"
        return LeaderboardOutcome(
            channel_slack_id(sessions, channel_pk), monday, status, failed.reason
        )
    if done is None:
        if unclaimed[0].status == "quiet":
            with unit_of_work(sessions) as session:
                mark_quiet_week(session, channel_pk, monday, now)
                session.commit()
        return unclaimed[0]
    return LeaderboardOutcome(done.claimed.channel.channel_id, monday, "posted", done.result)


@dataclass(frozen=True)
class Standings:
    week: Week
    names: dict[str, str]  # criterion id -> name, from the channel's pack


def standings(
    sessions: SessionFactory,
    team_id: str,
    channel_id: str,
    now: datetime,
    *,
    last: bool,
    library: Library,
    caller: str | None = None,
    explain: str | None = None,
) -> Standings | None:
    """This week's (or with `last`, last week's) tally in the channel, with `caller`'s row and
    the row of `explain` (`why @name`) shown in full (criteria, reviewers) wherever they rank;
    None if not enrolled. Requests queued behind one another share a tally begun after they
    arrived (`bot/services/shared_weeks.py`)."""
    key = Key(id(sessions), team_id, channel_id, last)
    shown = [user for user in (caller, explain) if user]
    with SHARED.waiting() as arrived, _TALLYING:
        made = SHARED.usable(key, now, arrived)
        if made is not None and not rows_to_read(made.week, shown):
            return Standings(made.week, made.names)  # nothing to read: no transaction
        with read_only(sessions) as session:
            if made is None:
                made = _make_week(session, team_id, channel_id, now, last, library)
                if made is None:
                    return None
                SHARED.keep(key, made)
            return Standings(with_rows_shown(session, made.week, shown), made.names)


def _make_week(
    session: Session, team_id: str, channel_id: str, now: datetime, last: bool, library: Library
) -> MadeWeek | None:
    begun = time.monotonic()  # before the first read of the week
    channel = get_channel(session, team_id, channel_id)
    if channel is None:
        return None
    monday = week_of(now, channel.timezone, last)
    week = tally_week(session, channel, monday)
    week.unlisted = frozenset(unlisted_members(session, team_id))
    return MadeWeek(begun, week, channel.timezone, monday, criterion_names(library, channel))


@dataclass(frozen=True)
class MyStats:
    stats: PersonalStats
    names: dict[str, str]


def my_stats(
    sessions: SessionFactory,
    team_id: str,
    channel_id: str,
    user_id: str,
    now: datetime,
    *,
    library: Library,
) -> MyStats | None:
    """`/practice stats`: one person's progress in the channel; None if not enrolled."""
    with _TALLYING, read_only(sessions) as session:
        channel = get_channel(session, team_id, channel_id)
        if channel is None:
            return None
        found = personal_stats(session, channel, user_id, now)
        return MyStats(found, criterion_names(library, channel))
