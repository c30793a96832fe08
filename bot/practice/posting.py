"""Posting the day's prompt: idempotent due-work, once per channel and local date.

`bot.services.prompts.post_due_prompts` posts for every enrolled, unpaused channel whose local time
has passed its post time on a practice weekday and that has no post for that local date. The
(channel, date) row is claimed first (a unique key decides between racing processes), then
Slack is called, then the message ts is stored; a failed call releases the claim so the day
stays retryable and is never doubled. A claim left without a ts (its process was killed
mid-call) is taken over after `CLAIM_LEASE`; the taker first looks for the message in the
channel (prompts carry their post id as metadata) so a post Slack did accept is adopted, not
repeated. Only today's local date is ever considered, so after
downtime today's post is caught up once and past days are not.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.content import Library, Pack
from bot.models import DEFAULT_PACK, Answer, Channel, PromptPost, Vote
from bot.practice.channels import pause_channel
from bot.practice.choice import Choice, choose_prompt
from bot.practice.claims import CLAIM_LEASE, Claimed, claim, held
from bot.practice.ports import PublishError
from bot.practice.schedule import (
    ChannelClock,
    due_by_clock,
    local_date,
    local_instant,
    parse_hhmm,
    parse_weekdays,
)
from bot.practice.workspaces import active_clocks

log = logging.getLogger(__name__)

# How far back the channel's scores steer the adaptive choice.
WEAKNESS_WINDOW = timedelta(weeks=4)
RECENT_KINDS = 3


@dataclass(frozen=True)
class PostOutcome:
    channel_id: str
    local_date: date
    status: str  # "posted", "failed", "paused", "no-content"
    detail: str = ""


def practice_day_due(clock: ChannelClock, now: datetime) -> date | None:
    """The channel's local date if a prompt is due for it at `now`, else None."""
    today = local_date(now, clock.timezone)
    if today.isoweekday() not in parse_weekdays(clock.weekdays):
        return None
    if now < local_instant(today, parse_hhmm(clock.post_time), clock.timezone):
        return None
    return today


def due_channels(
    session: Session, now: datetime, channel_id: str | None = None
) -> list[tuple[int, date]]:
    """(channel pk, local date) of every prompt due at `now` with no finished post yet."""
    candidates = due_by_clock(
        active_clocks(session, channel_id), lambda clock: practice_day_due(clock, now)
    )
    if not candidates:
        return []
    days = {day for _, day in candidates}
    posted = set(
        session.execute(
            select(PromptPost.channel_pk, PromptPost.local_date).where(
                PromptPost.channel_pk.in_([pk for pk, _ in candidates]),
                PromptPost.local_date.in_(days),
                held(PromptPost, now),
            )
        )
    )
    return [(pk, day) for pk, day in candidates if (pk, day) not in posted]


def criterion_means(session: Session, channel: Channel, since: date) -> dict[str, float]:
    """The channel's mean rubric score per criterion over posts from `since` on."""
    rows = session.execute(
        select(Vote.criterion, func.avg(Vote.score))
        .join(Answer, Answer.id == Vote.answer_id)
        .join(PromptPost, PromptPost.id == Answer.post_id)
        .where(PromptPost.channel_pk == channel.id, PromptPost.local_date >= since)
        .group_by(Vote.criterion)
    )
    return {criterion: float(mean) for criterion, mean in rows}


def choose_for_channel(session: Session, channel: Channel, pack: Pack, today: date) -> Choice:
    history = session.execute(
        select(PromptPost.prompt_id, PromptPost.prompt)
        .where(PromptPost.channel_pk == channel.id, PromptPost.pack_id == pack.id)
        .order_by(PromptPost.local_date)
    ).all()
    used = [prompt_id for prompt_id, _ in history]
    recent_kinds = [str(snapshot.get("kind", "")) for _, snapshot in history[-RECENT_KINDS:]]
    weak = criterion_means(session, channel, today - WEAKNESS_WINDOW)
    rubric_ids = {c.id for c in pack.all_criteria() if not c.retired}
    weak = {k: v for k, v in weak.items() if k in rubric_ids}
    return choose_prompt(pack, used, weak, recent_kinds=recent_kinds)


@dataclass(frozen=True)
class PromptToPost:
    """What the publisher needs to post a claimed prompt (or find it after a takeover)."""

    post_id: int
    local_date: date
    team_id: str
    channel_id: str
    prompt: dict[str, Any]  # the content's snapshot (`Prompt.snapshot()`)
    choice_reason: str | None
    answers_close_at: datetime
    reviewers_per_answer: int


@dataclass(frozen=True)
class ClaimedPost:
    """A (channel, day) claimed for posting; `takeover`: a stale claim taken over (an earlier
    attempt may have posted without storing the ts)."""

    channel_pk: int
    prompt_id: str
    post: PromptToPost
    takeover: bool


def claim_post(
    session: Session, channel_pk: int, day: date, now: datetime, library: Library
) -> ClaimedPost | None:
    """Claim (channel, day) for this process; None when another holds it or no content."""
    channel = session.get(Channel, channel_pk)
    assert channel is not None
    pack = library.pack(channel.content_pack) or library.pack(DEFAULT_PACK)
    if pack is None or not pack.prompts:
        return None
    choice = choose_for_channel(session, channel, pack, day)
    values = {
        "pack_id": pack.id,
        "prompt_id": choice.prompt.id,
        "prompt": choice.prompt.snapshot(),
        "trains": choice.trains,
        "choice_reason": choice.reason or None,
        "claimed_at": now,
        "answers_close_at": now + timedelta(minutes=channel.answer_window_minutes),
        "reviews_close_at": now + timedelta(minutes=channel.review_window_minutes),
    }
    key = {"channel_pk": channel.id, "local_date": day}
    claimed = claim(session, PromptPost, key, values, now)
    if claimed is None:
        return None
    if claimed is Claimed.TAKEOVER:
        log.warning("taking over a stale claim for channel %s on %s", channel.channel_id, day)
    post = session.scalars(
        select(PromptPost).where(PromptPost.channel_pk == channel.id, PromptPost.local_date == day)
    ).one()
    to_post = PromptToPost(
        post_id=post.id,
        local_date=post.local_date,
        team_id=channel.team_id,
        channel_id=channel.channel_id,
        prompt=dict(post.prompt),
        choice_reason=post.choice_reason,
        answers_close_at=post.answers_close_at,
        reviewers_per_answer=channel.reviewers_per_answer,
    )
    return ClaimedPost(channel.id, post.prompt_id, to_post, claimed is Claimed.TAKEOVER)


def has_content(library: Library, channel: Channel) -> bool:
    return library.pack(channel.content_pack) is not None or library.pack(DEFAULT_PACK) is not None


def store_post(session: Session, claimed: ClaimedPost, ts: str, now: datetime) -> None:
    session.execute(
        update(PromptPost)
        .where(PromptPost.id == claimed.post.post_id)
        .values(message_ts=ts, posted_at=now)
    )
    log.info(
        "posted prompt %s in %s for %s",
        claimed.prompt_id,
        claimed.post.channel_id,
        claimed.post.local_date,
    )


def release_post(session: Session, claimed: ClaimedPost, now: datetime, exc: PublishError) -> None:
    """The post failed: the day stays retryable; a permanent refusal pauses the channel."""
    channel = session.get(Channel, claimed.channel_pk)
    assert channel is not None
    session.execute(delete(PromptPost).where(PromptPost.id == claimed.post.post_id))
    if exc.permanent:
        pause_channel(session, channel, now, f"Slack error: {exc.reason}")
        log.error("channel %s paused: Slack answered %s", channel.channel_id, exc.reason)
    else:
        log.warning("posting in %s failed (%s); will retry", channel.channel_id, exc.reason)


def failed_outcome(channel_id: str, day: date, exc: PublishError) -> PostOutcome:
    return PostOutcome(channel_id, day, "paused" if exc.permanent else "failed", exc.reason)


@dataclass(frozen=True)
class ThreadPost:
    """What a reply in a prompt's thread needs of its post (never changes once posted)."""

    id: int
    answers_close_at: datetime


class ThreadPosts:
    """The prompt post whose thread a reply is in, cached per process (one instance per runtime).

    A post's (team, channel, message_ts) -> (id, answers_close_at) never changes once its ts
    is stored, so hits are kept (up to `max_entries`, oldest dropped first). A miss (a thread
    that is not a prompt's, or not yet stored) is remembered for `miss_ttl` seconds only, so
    chatter in other threads stays cheap without hiding a prompt posted a moment later.
    """

    def __init__(
        self,
        *,
        miss_ttl: float = 2.0,
        max_entries: int = 10_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._hits: dict[tuple[str, str, str], ThreadPost] = {}
        self._misses: dict[tuple[str, str, str], float] = {}
        self._miss_ttl = miss_ttl
        self._max = max_entries
        self._monotonic = monotonic
        self._lock = threading.Lock()

    def lookup(
        self, session: Session, team_id: str, channel_id: str, thread_ts: str
    ) -> ThreadPost | None:
        key = (team_id, channel_id, thread_ts)
        hit = self._hits.get(key)
        if hit is not None:
            return hit
        missed_at = self._misses.get(key)
        if missed_at is not None and self._monotonic() - missed_at < self._miss_ttl:
            return None
        row = session.execute(
            select(PromptPost.id, PromptPost.answers_close_at)
            .join(Channel, Channel.id == PromptPost.channel_pk)
            .where(
                Channel.team_id == team_id,
                Channel.channel_id == channel_id,
                PromptPost.message_ts == thread_ts,
            )
        ).one_or_none()
        with self._lock:
            if row is None:
                if len(self._misses) >= self._max:
                    self._misses.clear()
                self._misses[key] = self._monotonic()
                return None
            found = ThreadPost(row.id, row.answers_close_at)
            if len(self._hits) >= self._max:
                del self._hits[next(iter(self._hits))]
            self._hits[key] = found
            self._misses.pop(key, None)
            return found


def todays_post(session: Session, channel: Channel, now: datetime) -> PostOutcome | None:
    """`/practice now`: today's post if there is one (or one being made), else None."""
    day = local_date(now, channel.timezone)
    existing = session.scalars(
        select(PromptPost).where(PromptPost.channel_pk == channel.id, PromptPost.local_date == day)
    ).one_or_none()
    if existing is not None and (
        existing.message_ts is not None or existing.claimed_at > now - CLAIM_LEASE
    ):
        return PostOutcome(channel.channel_id, day, "exists", existing.message_ts or "")
    return None
