"""A target interview's daily drill answered in its DM thread, and its review on request."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial

from bot.content import Library
from bot.db import SessionFactory, read_only, unit_of_work
from bot.practice.members.drill_reviews import (
    DrillBrief,
    DrillChallenged,
    DrillScored,
    challenge_drill,
    claim_drill_brief,
    open_drill_review,
    release_drill_brief,
    release_drill_challenge,
    release_drill_result,
    score_drill,
    unsent_drill_briefs,
)
from bot.practice.members.drills import (
    DrillRecorded,
    DrillReviewRequest,
    ask_drill_review,
    drill_of_thread,
    record_drill_reply,
)
from bot.practice.members.goals import goal_of
from bot.practice.ports import DrillNotifier, PublishError
from bot.services.publishing import claim_then_call

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
    sessions: SessionFactory,
    team_id: str,
    user_id: str,
    drill_id: int,
    now: datetime,
    *,
    library: Library,
    notifier: DrillNotifier,
) -> DrillReviewRequest:
    """ "Ask for a review": a reviewer is chosen and stored, once, then sent the brief."""
    with unit_of_work(sessions) as session:
        request = ask_drill_review(session, team_id, user_id, drill_id, now)
        session.commit()
    log.info("drill %s review asked by %s: %s", drill_id, user_id, request.status)
    if request.status == "asked":
        send_drill_brief(sessions, drill_id, now, library=library, notifier=notifier)
    return request


def send_drill_brief(
    sessions: SessionFactory,
    drill_id: int,
    now: datetime,
    *,
    library: Library,
    notifier: DrillNotifier,
) -> bool:
    """The reviewer's brief, claimed once and sent with no transaction open; one that could
    not go now (quiet hours, Slack) is released for the goal-dms job to send."""
    try:
        sent = claim_then_call(
            sessions,
            partial(claim_drill_brief, drill_id=drill_id, now=now, library=library),
            notifier.send_drill_brief,
            release=lambda session, _brief, _exc: release_drill_brief(session, drill_id),
            release_on=PublishError,
        )
    except PublishError as exc:
        log.info("drill %s brief not sent now: %s", drill_id, exc)
        return False
    return sent is not None


def send_due_drill_briefs(
    sessions: SessionFactory, now: datetime, *, library: Library, notifier: DrillNotifier
) -> int:
    """Briefs asked for, still open and not sent yet (held in quiet hours, Slack refused)."""
    with read_only(sessions) as session:
        due = unsent_drill_briefs(session, now)
    return sum(
        send_drill_brief(sessions, drill_id, now, library=library, notifier=notifier)
        for drill_id in due
    )


def open_drill(
    sessions: SessionFactory, drill_id: int, user_id: str, now: datetime, *, library: Library
) -> DrillBrief | str:
    """The reviewer's Score button: the brief to build the form from, or why not."""
    with read_only(sessions) as session:
        return open_drill_review(session, drill_id, user_id, now, library)


def submit_drill_scores(
    sessions: SessionFactory,
    drill_id: int,
    user_id: str,
    scores: dict[str, int | None],
    comment: str,
    now: datetime,
    *,
    library: Library,
    notifier: DrillNotifier,
    on_recorded: Callable[[DrillScored], None],
) -> DrillScored:
    """Keep the scores and tell `on_recorded` (the listener acks there, before any Slack
    call); the first time, DM the author their scores (released on failure: the reviewer's
    next save tells them)."""
    with unit_of_work(sessions) as session:
        scored = score_drill(session, drill_id, user_id, scores, comment, now, library)
        session.commit()
    on_recorded(scored)
    if scored.result is not None:
        try:
            notifier.send_drill_result(scored.result)
        except PublishError as exc:
            log.warning("drill %s scores not sent to the author: %s", drill_id, exc)
            with unit_of_work(sessions) as session:
                release_drill_result(session, drill_id)
                session.commit()
    return scored


def submit_drill_challenge(
    sessions: SessionFactory,
    drill_id: int,
    user_id: str,
    text: str,
    now: datetime,
    *,
    library: Library,
    notifier: DrillNotifier,
    on_recorded: Callable[[DrillChallenged], None],
) -> DrillChallenged:
    """The reviewer's one challenge, claimed, acked through `on_recorded`, then sent to the
    author's drill thread; released when Slack refused it (the reviewer may try again)."""
    with unit_of_work(sessions) as session:
        challenged = challenge_drill(session, drill_id, user_id, text, now, library)
        session.commit()
    on_recorded(challenged)
    if challenged.challenge is None:
        return challenged
    try:
        notifier.send_drill_challenge(challenged.challenge)
    except PublishError as exc:
        log.warning("drill %s challenge not sent: %s", drill_id, exc)
        with unit_of_work(sessions) as session:
            release_drill_challenge(session, drill_id)
            session.commit()
    return challenged
