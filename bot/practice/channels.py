"""Workspaces and enrolled channels: enrolment, schedule settings, pause and resume."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import insert_for
from bot.models import DEFAULT_PACK, Channel, Workspace
from bot.practice.schedule import (
    ScheduleError,
    format_weekdays,
    is_known_zone,
    parse_hhmm,
    parse_weekdays,
)

log = logging.getLogger(__name__)

MAX_REVIEWERS = 5
ANSWER_WINDOW_CHOICES = (60, 120, 180, 240, 360, 480, 720)


def ensure_workspace(
    session: Session, team_id: str, now: datetime, *, name: str = "", bot_user_id: str | None = None
) -> Workspace:
    """The workspace row, created on first sight (idempotent under concurrent callers)."""
    insert = insert_for(session)
    session.execute(
        insert(Workspace)
        .values(team_id=team_id, name=name, bot_user_id=bot_user_id, installed_at=now)
        .on_conflict_do_nothing(index_elements=["team_id"])
    )
    workspace = session.get(Workspace, team_id)
    assert workspace is not None
    if workspace.uninstalled_at is not None:
        workspace.uninstalled_at = None  # reinstalled
    if bot_user_id and workspace.bot_user_id != bot_user_id:
        workspace.bot_user_id = bot_user_id
    return workspace


def stop_workspace(session: Session, team_id: str | None, now: datetime) -> int:
    """Slack says the workspace's token is dead: mark it as uninstalled, so that every job
    leaves it alone until it is installed again (`ensure_workspace` clears the mark). `None`
    means every workspace (single-workspace mode has one token for all). The caller commits."""
    statement = update(Workspace).where(Workspace.uninstalled_at.is_(None))
    if team_id is not None:
        statement = statement.where(Workspace.team_id == team_id)
    return len(
        session.execute(statement.values(uninstalled_at=now).returning(Workspace.team_id)).all()
    )


def get_channel(
    session: Session, team_id: str, channel_id: str, *, for_update: bool = False
) -> Channel | None:
    """The enrolled channel; `for_update` locks its row on PostgreSQL until the commit (two
    changes read-then-written at once would lose one; SQLite's `BEGIN IMMEDIATE` already
    keeps a second writer out)."""
    query = select(Channel).where(Channel.team_id == team_id, Channel.channel_id == channel_id)
    return session.scalars(query.with_for_update() if for_update else query).one_or_none()


@dataclass(frozen=True)
class ChannelView:
    """An enrolled channel as plain data: what services hand up once their unit of work has
    closed (a row would be detached by then, one lazy attribute from an error)."""

    id: int
    team_id: str
    channel_id: str
    name: str
    creator_id: str | None
    timezone: str
    post_time: str
    weekdays: str
    answer_window_minutes: int
    reviewers_per_answer: int
    content_pack: str
    paused: bool

    @classmethod
    def of(cls, channel: Channel) -> ChannelView:
        return cls(
            id=channel.id,
            team_id=channel.team_id,
            channel_id=channel.channel_id,
            name=channel.name,
            creator_id=channel.creator_id,
            timezone=channel.timezone,
            post_time=channel.post_time,
            weekdays=channel.weekdays,
            answer_window_minutes=channel.answer_window_minutes,
            reviewers_per_answer=channel.reviewers_per_answer,
            content_pack=channel.content_pack,
            paused=channel.paused,
        )


@dataclass(frozen=True)
class Enrolment:
    channel: Channel
    created: bool  # False: it was enrolled before (and is now resumed)
    resumed: bool


# Pauses that the bot's return to the channel lifts: Slack said it was removed, or a post
# found it gone when Slack's events about the removal were lost (found by the simulation: the
# channel stayed paused after the bot was invited back). A manager's own pause stays.
BOT_WAS_OUT = frozenset(
    {
        "bot removed from channel",
        "Slack error: not_in_channel",
        "Slack error: channel_not_found",
    }
)


def enrol_channel(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    now: datetime,
    name: str = "",
    creator_id: str | None = None,
    inviter_id: str | None = None,
    inviter_tz: str | None = None,
    event_ts: str | None = None,
) -> Enrolment:
    """Enrol a channel the bot joined, with defaults; a returning bot resumes it instead.
    `event_ts` is Slack's time of the join: one older than the last leave applied changes
    nothing (`record_membership`)."""
    ensure_workspace(session, team_id, now)
    existing = get_channel(session, team_id, channel_id, for_update=True)
    if existing is not None:
        if not record_membership(existing, event_ts):
            return Enrolment(existing, created=False, resumed=False)
        resumed = existing.paused and existing.paused_reason in BOT_WAS_OUT
        if resumed:
            existing.paused = False
            existing.paused_reason = None
            existing.updated_at = now
        return Enrolment(existing, created=False, resumed=resumed)
    tz = inviter_tz if inviter_tz and is_known_zone(inviter_tz) else "UTC"
    insert = insert_for(session)
    session.execute(
        insert(Channel)
        .values(
            team_id=team_id,
            channel_id=channel_id,
            name=name,
            creator_id=creator_id,
            enrolled_by=inviter_id,
            enrolled_at=now,
            timezone=tz,
            post_time="09:00",
            weekdays="1,2,3,4,5",
            answer_window_minutes=360,
            review_window_minutes=1440,
            reviewers_per_answer=2,
            content_pack=DEFAULT_PACK,
            leaderboard_weekday=1,
            leaderboard_time="09:00",
            paused=False,
        )
        .on_conflict_do_nothing(index_elements=["team_id", "channel_id"])
    )
    channel = get_channel(session, team_id, channel_id, for_update=True)
    assert channel is not None
    record_membership(channel, event_ts)
    return Enrolment(channel, created=channel.enrolled_at == now, resumed=False)


def record_membership(channel: Channel, event_ts: str | None) -> bool:
    """Note a bot join or leave at Slack's `event_ts`; False (nothing noted) when the channel
    has seen a later one: Slack retries a delivery it thinks failed, and sends two events for
    a removal, so a leave can arrive after the re-invite that followed it. An event without a
    readable time is applied, as before there were times to compare."""
    when = _slack_time(event_ts)
    last = _slack_time(channel.membership_ts)
    if when is None:
        return True
    if last is not None and when < last:
        log.info(
            "channel %s: a join or leave older than the last one applied ignored",
            channel.channel_id,
        )
        return False
    channel.membership_ts = event_ts
    return True


def _slack_time(ts: str | None) -> Decimal | None:
    # Decimal, not float: a ts has 16 significant digits, at the edge of a double's.
    try:
        return Decimal(ts) if ts else None
    except InvalidOperation:
        return None


def pause_channel(session: Session, channel: Channel, now: datetime, reason: str) -> bool:
    """Pause; returns False if it already was. Nothing is deleted."""
    if channel.paused:
        return False
    channel.paused = True
    channel.paused_reason = reason
    channel.updated_at = now
    return True


def resume_channel(session: Session, channel: Channel, now: datetime) -> bool:
    if not channel.paused:
        return False
    channel.paused = False
    channel.paused_reason = None
    channel.updated_at = now
    return True


@dataclass(frozen=True)
class ScheduleSettings:
    """What the setup modal edits, as plain strings and numbers from the user."""

    post_time: str
    timezone: str
    weekdays: str
    answer_window_minutes: int
    reviewers_per_answer: int
    content_pack: str


def validate_settings(
    values: ScheduleSettings, known_packs: set[str] | frozenset[str]
) -> dict[str, str]:
    """Field name -> problem, empty when the settings can be saved."""
    problems: dict[str, str] = {}
    try:
        parse_hhmm(values.post_time)
    except ScheduleError as exc:
        problems["post_time"] = str(exc)
    if not is_known_zone(values.timezone):
        problems["timezone"] = f"'{values.timezone}' is not a time zone I know"
    try:
        parse_weekdays(values.weekdays)
    except ScheduleError as exc:
        problems["weekdays"] = str(exc)
    if not 30 <= values.answer_window_minutes <= 23 * 60:
        problems["answer_window_minutes"] = "the answer window must be 30 minutes to 23 hours"
    if not 1 <= values.reviewers_per_answer <= MAX_REVIEWERS:
        problems["reviewers_per_answer"] = f"choose 1 to {MAX_REVIEWERS} reviewers per answer"
    if values.content_pack not in known_packs:
        problems["content_pack"] = f"there is no content pack '{values.content_pack}'"
    return problems


def apply_settings(channel: Channel, values: ScheduleSettings, now: datetime) -> None:
    """Store validated settings; the caller ran `validate_settings` first."""
    channel.post_time = parse_hhmm(values.post_time).strftime("%H:%M")
    channel.timezone = values.timezone
    channel.weekdays = format_weekdays(parse_weekdays(values.weekdays))
    channel.answer_window_minutes = values.answer_window_minutes
    channel.reviewers_per_answer = values.reviewers_per_answer
    channel.content_pack = values.content_pack
    channel.updated_at = now


def current_settings(channel: Channel) -> ScheduleSettings:
    return ScheduleSettings(
        post_time=channel.post_time,
        timezone=channel.timezone,
        weekdays=channel.weekdays,
        answer_window_minutes=channel.answer_window_minutes,
        reviewers_per_answer=channel.reviewers_per_answer,
        content_pack=channel.content_pack,
    )
