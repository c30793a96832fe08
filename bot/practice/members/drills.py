"""A daily drill answered in its DM's thread (issue 25): recorded apart from the channels'
answers, and given to one reviewer when the member asks.

A drill answer is practice: it is kept in `drill_answers`, never in `answers`, so no day,
leaderboard, streak or weekly post reads it. The reviewer is chosen from the people of the
member's channels (those channels' volunteers and everyone who answered there in the last
`POOL_WEEKS` weeks), never the author, never someone away or with `reminders none`, the one
with the fewest drill reviews given first (then volunteers before answerers, then by id).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import affected
from bot.models import (
    Answer,
    Channel,
    DrillAnswer,
    GoalMessage,
    PromptPost,
    ReviewerOptIn,
)
from bot.practice.members.goals import DRILL
from bot.practice.members.settings import away_members, prefs_of

POOL_WEEKS = 4
MAX_TEXT = 40_000  # Slack's own limit on a message; several replies stop growing past it


@dataclass(frozen=True)
class DrillRecorded:
    drill_id: int
    first: bool  # the first reply of the thread: the bot says it is recorded, once
    locked: bool  # a review was already asked for: the reply was not added


@dataclass(frozen=True)
class DrillReviewRequest:
    status: str  # "asked", "already", "nobody", "unknown"
    drill_id: int
    reviewer_id: str | None = None


def drill_of_thread(
    session: Session, team_id: str, user_id: str, thread_ts: str
) -> GoalMessage | None:
    """The member's drill DM whose thread this is; None for any other DM thread."""
    return session.scalar(
        select(GoalMessage).where(
            GoalMessage.team_id == team_id,
            GoalMessage.user_id == user_id,
            GoalMessage.kind == DRILL,
            GoalMessage.message_ts == thread_ts,
        )
    )


def record_drill_reply(
    session: Session,
    drill: GoalMessage,
    pack_id: str,
    channel_id: str,
    ts: str,
    text: str,
    now: datetime,
) -> DrillRecorded:
    """Keep a reply in a drill's thread as (part of) its answer. A redelivered reply (same
    `ts`) or one after the review was asked for changes nothing."""
    thread_ts = str(drill.message_ts)
    row = session.scalar(
        select(DrillAnswer)
        .where(
            DrillAnswer.team_id == drill.team_id,
            DrillAnswer.user_id == drill.user_id,
            DrillAnswer.thread_ts == thread_ts,
        )
        .with_for_update()
    )
    if row is None:
        row = DrillAnswer(
            team_id=drill.team_id,
            user_id=drill.user_id,
            pack_id=pack_id,
            prompt_id=str(drill.detail),
            channel_id=channel_id,
            thread_ts=thread_ts,
            last_ts=ts,
            text=text[:MAX_TEXT],
            answered_at=now,
        )
        session.add(row)
        session.flush()
        return DrillRecorded(row.id, first=True, locked=False)
    if row.review_asked_at is not None:
        return DrillRecorded(row.id, first=False, locked=True)
    if float(ts) > float(row.last_ts):
        row.text = f"{row.text}\n\n{text}"[:MAX_TEXT]
        row.last_ts = ts
        row.answered_at = now
    return DrillRecorded(row.id, first=False, locked=False)


def drill_reviewer_pool(session: Session, team_id: str, user_id: str, now: datetime) -> list[str]:
    """Volunteers of the member's channels first (earliest first), then who answered there
    lately; without the author. Channels are those the member answered in."""
    channels = select(PromptPost.channel_pk).join(Answer, Answer.post_id == PromptPost.id)
    channels = channels.join(Channel, Channel.id == PromptPost.channel_pk).where(
        Channel.team_id == team_id, Answer.user_id == user_id
    )
    volunteers = session.scalars(
        select(ReviewerOptIn.user_id)
        .where(ReviewerOptIn.channel_pk.in_(channels), ReviewerOptIn.active.is_(True))
        .order_by(ReviewerOptIn.updated_at, ReviewerOptIn.user_id)
    ).all()
    answerers = session.scalars(
        select(Answer.user_id)
        .join(PromptPost, PromptPost.id == Answer.post_id)
        .where(
            PromptPost.channel_pk.in_(channels),
            Answer.answered_at >= now - timedelta(weeks=POOL_WEEKS),
        )
        .distinct()
        .order_by(Answer.user_id)
    ).all()
    pool = list(dict.fromkeys([*volunteers, *answerers]))
    return [u for u in pool if u != user_id]


def ask_drill_review(
    session: Session, team_id: str, user_id: str, drill_id: int, now: datetime
) -> DrillReviewRequest:
    """The author asks: one reviewer is chosen and stored, once (a guarded update)."""
    row = session.get(DrillAnswer, drill_id)
    if row is None or row.team_id != team_id or row.user_id != user_id:
        return DrillReviewRequest("unknown", drill_id)
    if row.review_asked_at is not None:
        return DrillReviewRequest("already", drill_id, row.reviewer_id)
    pool = drill_reviewer_pool(session, team_id, user_id, now)
    away = away_members(session, team_id, pool, now)
    # `reminders none` lets no brief through: the review would never reach them.
    ready = [u for u in pool if u not in away and prefs_of(session, team_id, u).reminders != "none"]
    if not ready:
        return DrillReviewRequest("nobody", drill_id)
    load = Counter(
        session.scalars(
            select(DrillAnswer.reviewer_id).where(
                DrillAnswer.team_id == team_id, DrillAnswer.reviewer_id.in_(ready)
            )
        )
    )
    reviewer = min(ready, key=lambda u: (load[u], ready.index(u)))
    taken = affected(
        session,
        update(DrillAnswer)
        .where(DrillAnswer.id == drill_id, DrillAnswer.review_asked_at.is_(None))
        .values(review_asked_at=now, reviewer_id=reviewer),
    )
    if not taken:
        return DrillReviewRequest("already", drill_id, row.reviewer_id)
    return DrillReviewRequest("asked", drill_id, reviewer)
