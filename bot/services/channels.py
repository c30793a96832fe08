"""A channel's practice, as its managers and members change it: help, setup, pause, resume,
scoring settings, volunteering to review. Each returns None when the channel is not enrolled."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db import SessionFactory, read_only, unit_of_work
from bot.models import Channel
from bot.practice.channels import (
    ChannelView,
    ScheduleSettings,
    apply_settings,
    current_settings,
    enrol_channel,
    get_channel,
    pause_channel,
    record_membership,
    resume_channel,
)
from bot.practice.ports import ChannelDirectory
from bot.practice.reviews.assign import set_volunteer
from bot.practice.scoring import (
    ScoringRules,
    reset_channel_settings,
    rules_for,
    set_channel_setting,
)
from bot.services.managers import MayManage, check_manager

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelChange:
    changed: bool  # False: it already was so
    channel: ChannelView  # as it stands now


@dataclass(frozen=True)
class Enrolled:
    channel: ChannelView
    created: bool  # False: it was enrolled before (and is now resumed)
    resumed: bool


def enrolled(sessions: SessionFactory, team_id: str, channel_id: str) -> ChannelView | None:
    """The channel as enrolled, or None."""
    with read_only(sessions) as session:
        channel = get_channel(session, team_id, channel_id)
        return ChannelView.of(channel) if channel is not None else None


def channel_rules(sessions: SessionFactory, team_id: str, channel_id: str) -> ScoringRules:
    """The channel's scoring rules (the defaults where it is not enrolled)."""
    with read_only(sessions) as session:
        return rules_for(get_channel(session, team_id, channel_id))


def enrolled_rules(
    sessions: SessionFactory, team_id: str, channel_id: str, *, may_manage: MayManage
) -> ScoringRules | None:
    """`/practice scoring`: an enrolled channel's scoring rules, for a manager (else
    NotAManager); None when the channel is not enrolled."""
    check_manager(sessions, team_id, channel_id, may_manage)
    with read_only(sessions) as session:
        channel = get_channel(session, team_id, channel_id)
        return rules_for(channel) if channel is not None else None


def channel_setup(
    sessions: SessionFactory, team_id: str, channel_id: str, *, may_manage: MayManage
) -> ScheduleSettings | None:
    """`/practice setup`: the settings the modal opens with, for a manager (else
    NotAManager); None when the channel is not enrolled."""
    check_manager(sessions, team_id, channel_id, may_manage)
    with read_only(sessions) as session:
        channel = get_channel(session, team_id, channel_id)
        return current_settings(channel) if channel is not None else None


def _change(
    sessions: SessionFactory,
    team_id: str,
    channel_id: str,
    change: Callable[[Session, Channel], bool | None],
) -> ChannelChange | None:
    """Apply `change` to the enrolled channel and commit; None when not enrolled."""
    with unit_of_work(sessions) as session:
        channel = get_channel(session, team_id, channel_id, for_update=True)
        if channel is None:
            return None
        changed = bool(change(session, channel))
        session.commit()
        return ChannelChange(changed, ChannelView.of(channel))


def pause(
    sessions: SessionFactory,
    team_id: str,
    channel_id: str,
    now: datetime,
    reason: str,
    *,
    may_manage: MayManage,
) -> ChannelChange | None:
    """`/practice pause`, for a manager (else NotAManager)."""
    check_manager(sessions, team_id, channel_id, may_manage)
    return _change(sessions, team_id, channel_id, lambda s, c: pause_channel(s, c, now, reason))


def resume(
    sessions: SessionFactory, team_id: str, channel_id: str, now: datetime, *, may_manage: MayManage
) -> ChannelChange | None:
    """`/practice resume`, for a manager (else NotAManager)."""
    check_manager(sessions, team_id, channel_id, may_manage)
    return _change(sessions, team_id, channel_id, lambda s, c: resume_channel(s, c, now))


REMOVED = "bot removed from channel"


def bot_removed(
    sessions: SessionFactory,
    team_id: str,
    channel_id: str,
    now: datetime,
    *,
    event_ts: str | None = None,
) -> ChannelChange | None:
    """The bot left the channel (or was removed): its practice pauses, nothing is deleted.
    A leave older than the channel's last join (Slack's `event_ts`) changes nothing."""
    return _change(
        sessions,
        team_id,
        channel_id,
        lambda s, c: record_membership(c, event_ts) and pause_channel(s, c, now, REMOVED),
    )


@dataclass(frozen=True)
class SetupSaved:
    """What became of a submitted setup: "saved" (with the channel as it stands now),
    "not-enrolled" or "refused" (the submitter is no manager)."""

    status: str
    channel: ChannelView | None = None


def save_setup(
    sessions: SessionFactory,
    team_id: str,
    channel_id: str,
    values: ScheduleSettings,
    now: datetime,
    *,
    may_manage: Callable[[str | None], bool],
) -> SetupSaved:
    """Validated settings (the modal ran `validate_settings`) stored for a manager.

    `may_manage(creator_id)` asks Slack whether the submitter manages the channel (the modal
    could be forged or replayed); it is called between the read and the write, with no
    transaction open, since it can wait on a rate limit.
    """
    channel = enrolled(sessions, team_id, channel_id)
    if channel is None:
        return SetupSaved("not-enrolled")
    if not may_manage(channel.creator_id):
        return SetupSaved("refused")
    done = _change(sessions, team_id, channel_id, lambda _s, c: _applied(c, values, now))
    # Channels are paused, never deleted: one enrolled a moment ago still is.
    return SetupSaved("saved", done.channel) if done is not None else SetupSaved("not-enrolled")


def _applied(channel: Channel, values: ScheduleSettings, now: datetime) -> bool:
    apply_settings(channel, values, now)
    return True


def volunteer(
    sessions: SessionFactory,
    team_id: str,
    channel_id: str,
    user_id: str,
    active: bool,
    now: datetime,
) -> ChannelChange | None:
    """`/practice review on|off`; `changed` False when it already was so."""
    return _change(
        sessions,
        team_id,
        channel_id,
        lambda s, c: set_volunteer(s, c, user_id, active, now),
    )


def change_scoring(
    sessions: SessionFactory,
    team_id: str,
    channel_id: str,
    words: list[str],
    now: datetime,
    *,
    may_manage: MayManage,
) -> ScoringRules | None:
    """`/practice scoring reset` or `KEY VALUE`, for a manager (else NotAManager); raises
    ScoringSettingError on a bad one."""
    check_manager(sessions, team_id, channel_id, may_manage)
    with unit_of_work(sessions) as session:
        channel = get_channel(session, team_id, channel_id)
        if channel is None:
            return None
        if words == ["reset"]:
            rules = reset_channel_settings(channel)
        else:
            rules = set_channel_setting(channel, words[0], words[1])
        channel.updated_at = now
        session.commit()
    return rules


def enrol(
    sessions: SessionFactory,
    team_id: str,
    channel_id: str,
    now: datetime,
    *,
    name: str,
    creator_id: str | None,
    inviter_id: str | None,
    inviter_tz: str | None,
    event_ts: str | None = None,
) -> Enrolled:
    """The bot was invited: the channel enrolled with defaults, or resumed if it came back."""
    with unit_of_work(sessions) as session:
        enrolment = enrol_channel(
            session,
            team_id=team_id,
            channel_id=channel_id,
            now=now,
            name=name,
            creator_id=creator_id,
            inviter_id=inviter_id,
            inviter_tz=inviter_tz,
            event_ts=event_ts,
        )
        session.commit()
        return Enrolled(ChannelView.of(enrolment.channel), enrolment.created, enrolment.resumed)


def bot_joined(
    sessions: SessionFactory,
    team_id: str,
    channel_id: str,
    now: datetime,
    *,
    inviter_id: str | None,
    directory: ChannelDirectory,
    event_ts: str | None = None,
) -> Enrolled:
    """The bot was invited: Slack is asked the channel's name and creator and the inviter's
    time zone (the defaults' time zone), with no transaction open; the channel is enrolled
    (or resumed); then, after the commit, a new or resumed channel is welcomed."""
    inviter_tz = directory.user_tz(inviter_id) if inviter_id else None
    facts = directory.channel(channel_id)
    enrolment = enrol(
        sessions,
        team_id,
        channel_id,
        now,
        name=facts.name,
        creator_id=facts.creator_id,
        inviter_id=inviter_id,
        inviter_tz=inviter_tz,
        event_ts=event_ts,
    )
    if enrolment.created or enrolment.resumed:
        log.info("enrolled channel %s (team %s)", channel_id, team_id)
        directory.welcome(enrolment.channel)
    return enrolment
