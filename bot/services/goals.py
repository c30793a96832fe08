"""A member's target interview: `/practice goal` and the goal DMs' due work."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import SessionFactory, read_only, unit_of_work
from bot.practice.channels import get_channel
from bot.practice.members.dm_policy import DmDecision
from bot.practice.members.goal_dms import (
    Due,
    claim_goal_dm,
    due_goal_dms,
    release_goal_dm,
    store_goal_dm,
)
from bot.practice.members.goals import (
    Goal,
    GoalDm,
    clear_goal,
    days_left,
    goal_of,
    prompt_ideas,
    set_goal,
    set_plan,
    share_idea,
)
from bot.practice.members.settings import SettingsError, prefs_of
from bot.services.managers import MayManage, check_manager
from bot.services.publishing import claim_then_call

log = logging.getLogger(__name__)

USAGE = (
    "Use `/practice goal 2026-04-15 pmm [Company] [| a note]`, `/practice goal plan on|off`, "
    "`/practice goal off`, or after it `/practice goal went WHAT THEY ASKED`."
)


@dataclass(frozen=True)
class GoalView:
    goal: Goal | None
    days_left: int
    message: str = ""


def _view(
    sessions: SessionFactory, team_id: str, user_id: str, now: datetime, msg: str
) -> GoalView:
    with read_only(sessions) as session:
        goal = goal_of(session, team_id, user_id)
        left = days_left(goal, prefs_of(session, team_id, user_id), now) if goal else 0
    return GoalView(goal, left, msg)


def change_goal(
    sessions: SessionFactory,
    team_id: str,
    user_id: str,
    text: str,
    now: datetime,
    *,
    library: Library,
) -> GoalView:
    """`/practice goal [...]`: show, set, plan on|off, off, went ...; raises SettingsError."""
    words = text.split()
    if not words:
        return _view(sessions, team_id, user_id, now, "")
    head = words[0].lower()
    with unit_of_work(sessions) as session:
        if head == "off":
            message = "Target interview cleared." if clear_goal(session, team_id, user_id) else ""
        elif head == "plan" and len(words) == 2 and words[1].lower() in ("on", "off"):
            on = words[1].lower() == "on"
            if not set_plan(session, team_id, user_id, on):
                raise SettingsError("Set a target interview first. " + USAGE)
            message = "Weekly plan by DM: on." if on else "Weekly plan by DM: off."
        elif head == "went" and len(words) > 1:
            if not share_idea(session, team_id, user_id, text.split(None, 1)[1], now):
                raise SettingsError("There is no target interview to report on.")
            message = "Thank you: it is kept as a prompt idea for the managers, without your name."
        else:
            set_goal(session, team_id, user_id, parse_goal(text), now, library)
            message = "Target interview set."
        session.commit()
    return _view(sessions, team_id, user_id, now, message)


def parse_goal(text: str) -> Goal:
    """ "2026-04-15 pmm Acme Corp | final round, pricing" into a Goal (plan off)."""
    head, _sep, note = text.partition("|")
    words = head.split()
    if len(words) < 2:
        raise SettingsError(USAGE)
    try:
        when = date.fromisoformat(words[0])
    except ValueError as exc:
        raise SettingsError(f"'{words[0]}' is not a date like 2026-04-15. " + USAGE) from exc
    company = " ".join(words[2:]) or None
    return Goal(when, words[1].lower(), company, note.strip() or None, weekly_plan=False)


def channel_ideas(
    sessions: SessionFactory, team_id: str, channel_id: str, *, may_manage: MayManage
) -> tuple[str, list[tuple[str | None, str]]] | None:
    """`/practice ideas`: the pack of the channel and the prompt ideas shared for it, for a
    manager (else NotAManager); None if not enrolled."""
    check_manager(sessions, team_id, channel_id, may_manage)
    with read_only(sessions) as session:
        channel = get_channel(session, team_id, channel_id)
        if channel is None:
            return None
        return channel.content_pack, prompt_ideas(session, team_id, channel.content_pack)


def send_due_goal_dms(
    sessions: SessionFactory,
    now: datetime,
    *,
    library: Library,
    send: Callable[[GoalDm], DmDecision],
) -> int:
    """Each goal DM due at `now`, claimed once, sent by `send` with no transaction open;
    a DM that could not go (quiet hours, Slack) is released for the next run."""
    with read_only(sessions) as session:
        due = due_goal_dms(session, now)
    sent = 0
    for item in due:
        try:
            done = claim_then_call(
                sessions,
                partial(_claim, item=item, now=now, library=library),
                send,
                release=lambda session, dm, _exc: release_goal_dm(session, dm),
                store=lambda session, dm, result: store_goal_dm(session, dm, now, result.ts),
            )
        except Exception as exc:
            log.info("goal DM %s to %s not sent now: %s", item[2], item[1], exc)
            continue
        sent += done is not None
    return sent


def _claim(session: Session, *, item: Due, now: datetime, library: Library) -> GoalDm | None:
    return claim_goal_dm(session, item, now, library)
