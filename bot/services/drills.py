"""A target interview's daily drill answered in its DM thread, and its review on request."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.db import SessionFactory, unit_of_work
from bot.practice.members.drills import (
    DrillRecorded,
    DrillReviewRequest,
    ask_drill_review,
    drill_of_thread,
    record_drill_reply,
)
from bot.practice.members.goals import goal_of

log = logging.getLogger(__name__)


def record_drill_answer(
    sessions: SessionFactory,
    team_id: str,
    user_id: str,
    channel_id: str,
    thread_ts: str,
    ts: str,
    text: str,
    now: datetime,
) -> DrillRecorded | None:
    """A reply in one of the bot's DM threads: kept when the thread is the member's drill;
    None for any other thread (nothing to keep)."""
    if not text.strip():
        return None
    with unit_of_work(sessions) as session:
        drill = drill_of_thread(session, team_id, user_id, thread_ts)
        if drill is None or drill.detail is None:
            return None
        goal = goal_of(session, team_id, user_id)
        pack_id = goal.pack_id if goal else ""
        recorded = record_drill_reply(session, drill, pack_id, channel_id, ts, text, now)
        session.commit()
    log.info("drill answer %s by %s: reply %s kept", recorded.drill_id, user_id, ts)
    return recorded


def request_drill_review(
    sessions: SessionFactory, team_id: str, user_id: str, drill_id: int, now: datetime
) -> DrillReviewRequest:
    """ "Ask for a review": a reviewer is chosen and stored, once."""
    with unit_of_work(sessions) as session:
        request = ask_drill_review(session, team_id, user_id, drill_id, now)
        session.commit()
    log.info("drill %s review asked by %s: %s", drill_id, user_id, request.status)
    return request
