"""Which target-interview DMs are due, and their once-only claims (`goal_messages`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import affected, insert_for
from bot.models import GoalMessage, InterviewGoal
from bot.practice.members.goals import (
    AFTER,
    DRILL,
    DRILL_DAYS,
    PLAN,
    SEND_FROM,
    GoalDm,
    drill_prompt,
    goal_of,
    kinds_for,
    weakest_criteria,
)
from bot.practice.members.settings import prefs_of
from bot.practice.schedule import local_now, week_start
from bot.practice.workspaces import installed_team_ids

Due = tuple[str, str, str, date]  # team, user, kind, period


def due_goal_dms(session: Session, now: datetime) -> list[Due]:
    """(team, user, kind, period) of every goal DM due at `now` and not yet claimed."""
    due: list[Due] = []
    goals = session.execute(
        select(
            InterviewGoal.team_id,
            InterviewGoal.user_id,
            InterviewGoal.interview_on,
            InterviewGoal.weekly_plan,
        ).where(InterviewGoal.team_id.in_(installed_team_ids()))
    ).all()
    for team, user, interview_on, weekly_plan in goals:
        local = local_now(now, prefs_of(session, team, user).tz)
        if local.time() < SEND_FROM:
            continue
        today = local.date()
        left = (interview_on - today).days
        if weekly_plan and left > 0:
            due.append((team, user, PLAN, week_start(today)))
        if 1 <= left <= DRILL_DAYS:
            due.append((team, user, DRILL, today))
        if left < 0:
            due.append((team, user, AFTER, interview_on))
    claimed = {
        (t, u, k, p)
        for t, u, k, p in session.execute(
            select(GoalMessage.team_id, GoalMessage.user_id, GoalMessage.kind, GoalMessage.period)
        )
    }
    return [d for d in due if d not in claimed]


def claim_goal_dm(session: Session, due: Due, now: datetime, library: Library) -> GoalDm | None:
    """Claim the DM and say what it holds; None when taken elsewhere, or when there is
    nothing to send (a drill with no prompt left: claimed anyway, so it is not retried)."""
    team, user, kind, period = due
    goal = goal_of(session, team, user)
    pack = library.pack(goal.pack_id) if goal else None
    if goal is None:
        return None
    weak = weakest_criteria(session, team, user, pack, now) if pack else ()
    prompt = drill_prompt(session, team, user, pack, weak) if pack and kind == DRILL else None
    insert = insert_for(session)
    taken = affected(
        session,
        insert(GoalMessage)
        .values(
            team_id=team,
            user_id=user,
            kind=kind,
            period=period,
            detail=prompt.id if prompt else None,
            claimed_at=now,
        )
        .on_conflict_do_nothing(index_elements=["team_id", "user_id", "kind", "period"]),
    )
    if not taken or (kind == DRILL and prompt is None):
        return None
    left = (goal.interview_on - local_now(now, prefs_of(session, team, user).tz).date()).days
    return GoalDm(
        team,
        user,
        kind,
        period,
        goal,
        left,
        weakest=weak,
        kinds=kinds_for(pack, weak) if pack else (),
        drill=prompt,
    )


def _this(dm: GoalDm) -> tuple[ColumnElement[bool], ...]:
    return (
        GoalMessage.team_id == dm.team_id,
        GoalMessage.user_id == dm.user_id,
        GoalMessage.kind == dm.kind,
        GoalMessage.period == dm.period,
    )


def release_goal_dm(session: Session, dm: GoalDm) -> None:
    """Not sent (quiet hours, Slack refused): the next run tries again."""
    session.execute(delete(GoalMessage).where(*_this(dm), GoalMessage.sent_at.is_(None)))


def store_goal_dm(session: Session, dm: GoalDm, now: datetime, ts: str = "") -> None:
    """Sent at `now`; `ts`, the DM's: a drill's answers are replies in its thread."""
    session.execute(
        update(GoalMessage).where(*_this(dm)).values(sent_at=now, message_ts=ts or None)
    )
