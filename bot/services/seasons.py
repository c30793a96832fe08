"""The monthly season post (the post-season due work)."""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.db import SessionFactory, read_only, unit_of_work
from bot.practice.ports import LeaderboardPublisher, PublishError
from bot.practice.season_post import (
    ClaimedSeason,
    SeasonOutcome,
    claim_season,
    due_seasons,
    mark_quiet_season,
    release_season,
    store_season,
)
from bot.services.prompts import as_publish_error, channel_slack_id
from bot.services.publishing import claim_then_call

log = logging.getLogger(__name__)


def post_due_seasons(
    sessions: SessionFactory,
    now: datetime,
    *,
    publisher: LeaderboardPublisher,
    channel_id: str | None = None,
) -> list[SeasonOutcome]:
    """Post every season post due at `now`, each exactly once per channel and month."""
    with read_only(sessions) as session:
        due = due_seasons(session, now, channel_id)
    return [post_season(sessions, pk, month, now, publisher) for pk, month in due]


def post_season(
    sessions: SessionFactory,
    channel_pk: int,
    month: date,
    now: datetime,
    publisher: LeaderboardPublisher,
) -> SeasonOutcome:
    unclaimed: list[SeasonOutcome] = []

    def claim(session: Session) -> ClaimedSeason | None:
        claimed = claim_season(session, channel_pk, month, now)
        if isinstance(claimed, SeasonOutcome):
            unclaimed.append(claimed)
            return None
        return claimed

    def release(session: Session, _claimed: ClaimedSeason, exc: Exception) -> None:
        release_season(session, channel_pk, month, now, as_publish_error(exc))

    try:
        done = claim_then_call(
            sessions,
            claim,
            lambda claimed: publisher.post_season(claimed.channel, claimed.report),
            release=release,
            store=lambda session, claimed, ts: store_season(session, claimed, ts, now),
        )
    except Exception as exc:
        if not isinstance(exc, PublishError):
            log.exception("posting the season in channel %s failed", channel_pk)
        failed = as_publish_error(exc)
        status = "paused" if failed.permanent else "failed"
        return SeasonOutcome(channel_slack_id(sessions, channel_pk), month, status, failed.reason)
    if done is None:
        if unclaimed[0].status == "quiet":
            with unit_of_work(sessions) as session:
                mark_quiet_season(session, channel_pk, month, now)
                session.commit()
        return unclaimed[0]
    return SeasonOutcome(done.claimed.channel.channel_id, month, "posted", done.result)
