"""Workspaces: install, uninstall, and deleting a removed workspace's data after retention.

Every job that scans channels or workspaces starts from `active_clocks` or
`installed_team_ids`, so an uninstalled workspace (or one whose tokens were revoked) drops out
of every job at once; its rows are kept for `RETENTION`, then deleted (`purge_removed`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from bot.models import (
    AwayPeriod,
    Channel,
    DrillAnswer,
    GoalMessage,
    InterviewGoal,
    MemberSettings,
    PromptIdea,
    Workspace,
)
from bot.practice.channels import ensure_workspace
from bot.practice.schedule import ChannelClock

log = logging.getLogger(__name__)

# How long a removed workspace's data is kept (a reinstall within it finds everything as it
# was), then deleted with everything that hangs off it. docs/decisions.md, docs/deploy.md.
RETENTION = timedelta(days=30)


def record_install(
    session: Session, team_id: str, now: datetime, *, name: str = "", bot_user_id: str | None
) -> Workspace:
    """A (re)install: the workspace row exists, is current, and is no longer uninstalled."""
    workspace = ensure_workspace(session, team_id, now, name=name, bot_user_id=bot_user_id)
    if name and workspace.name != name:
        workspace.name = name
    return workspace


def mark_uninstalled(session: Session, team_id: str, now: datetime) -> bool:
    """The app was uninstalled or its bot token revoked; True the first time.

    Idempotent, whichever of `app_uninstalled` and `tokens_revoked` comes first: the earliest
    time is kept, so retention counts from when the workspace actually left.
    """
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        workspace = ensure_workspace(session, team_id, now)
    if workspace.uninstalled_at is not None:
        return False
    workspace.uninstalled_at = now
    return True


def installed_team_ids() -> Select[str]:
    """A subquery of installed workspaces' ids, for job scans over team-scoped tables."""
    return select(Workspace.team_id).where(Workspace.uninstalled_at.is_(None))


def active_clocks(
    session: Session, channel_id: str | None = None
) -> list[tuple[int, ChannelClock]]:
    """(pk, schedule) of the enrolled, unpaused channels of installed workspaces (optionally
    just one), in pk order.

    The one starting point of every job that works channel by channel. Columns, not `Channel`
    objects: the due scans read every channel every minute and find nearly none due, and
    loading a thousand channels three times a tick was a third of an idle tick's CPU.
    """
    # The columns named as the clock's fields, in its order: one list of them, the tuple's.
    columns = [getattr(Channel, name) for name in ChannelClock._fields]
    query = (
        select(Channel.id, *columns)
        .join(Workspace, Workspace.team_id == Channel.team_id)
        .where(Channel.paused.is_(False), Workspace.uninstalled_at.is_(None))
        .order_by(Channel.id)
    )
    if channel_id is not None:
        query = query.where(Channel.channel_id == channel_id)
    return [(pk, ChannelClock._make(clock)) for pk, *clock in session.execute(query)]


def removed_team_ids(
    session: Session, now: datetime, retention: timedelta = RETENTION
) -> list[str]:
    """Workspaces uninstalled more than `retention` ago."""
    return list(
        session.scalars(
            select(Workspace.team_id)
            .where(Workspace.uninstalled_at.is_not(None))
            .where(Workspace.uninstalled_at <= now - retention)
            .order_by(Workspace.team_id)
        )
    )


def purge_removed(session: Session, now: datetime, retention: timedelta = RETENTION) -> list[str]:
    """Delete every row of workspaces uninstalled more than `retention` ago; their ids.

    Channels, posts, answers, reviews, votes, leaderboards and mocks go with the workspace row
    through ON DELETE CASCADE (SQLite enforces it: bot/db.py turns foreign keys on).
    """
    team_ids = removed_team_ids(session, now, retention)
    if team_ids:
        # Members' own settings and goals name the workspace without a foreign key (they may
        # be set before a channel is enrolled): deleted here, the rest by ON DELETE CASCADE.
        members = (MemberSettings, AwayPeriod, InterviewGoal, GoalMessage, DrillAnswer, PromptIdea)
        for model in members:
            session.execute(delete(model).where(model.team_id.in_(team_ids)))
        session.execute(delete(Workspace).where(Workspace.team_id.in_(team_ids)))
        log.info("deleted the data of %d removed workspace(s): %s", len(team_ids), team_ids)
    return team_ids
