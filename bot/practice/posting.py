"""Posting the day's prompt: idempotent due-work, once per channel and local date.

`post_prompts(session, now, ...)` posts for every enrolled, unpaused channel whose local time
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

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.content import Library, Pack
from bot.models import Answer, Channel, PromptPost, Vote
from bot.practice.channels import pause_channel
from bot.practice.choice import Choice, choose_prompt
from bot.practice.claims import CLAIM_LEASE, Claimed, claim, held
from bot.practice.ports import PromptPublisher, PublishError
from bot.practice.schedule import local_date, local_instant, parse_hhmm, parse_weekdays
from bot.practice.workspaces import active_channels

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


def practice_day_due(channel: Channel, now: datetime) -> date | None:
    """The channel's local date if a prompt is due for it at `now`, else None."""
    today = local_date(now, channel.timezone)
    if today.isoweekday() not in parse_weekdays(channel.weekdays):
        return None
    if now < local_instant(today, parse_hhmm(channel.post_time), channel.timezone):
        return None
    return today


def due_channels(
    session: Session, now: datetime, channel_id: str | None = None
) -> list[tuple[Channel, date]]:
    """Channels with a prompt due at `now` and no finished post for that local date."""
    candidates = [
        (channel, day)
        for channel in active_channels(session, channel_id)
        if (day := practice_day_due(channel, now)) is not None
    ]
    if not candidates:
        return []
    days = {day for _, day in candidates}
    posted = set(
        session.execute(
            select(PromptPost.channel_pk, PromptPost.local_date).where(
                PromptPost.channel_pk.in_([c.id for c, _ in candidates]),
                PromptPost.local_date.in_(days),
                held(PromptPost, now),
            )
        )
    )
    return [(c, day) for c, day in candidates if (c.id, day) not in posted]


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
    )
    history = list(history)
    used = [prompt_id for prompt_id, _ in history]
    recent_kinds = [str(snapshot.get("kind", "")) for _, snapshot in history[-RECENT_KINDS:]]
    weak = criterion_means(session, channel, today - WEAKNESS_WINDOW)
    rubric_ids = {c.id for c in pack.all_criteria() if not c.retired}
    weak = {k: v for k, v in weak.items() if k in rubric_ids}
    return choose_prompt(pack, used, weak, recent_kinds=recent_kinds)


def claim_post(
    session: Session, channel: Channel, day: date, now: datetime, library: Library
) -> tuple[PromptPost, bool] | None:
    """Claim (channel, day) for this process; None when another holds it or no content.

    The flag says whether this was a takeover of a stale claim (an earlier attempt may have
    posted without storing the ts).
    """
    pack = library.pack(channel.content_pack) or library.pack("pmm")
    if pack is None or not pack.prompts:
        return None
    choice = choose_for_channel(session, channel, pack, day)
    values = {
        "channel_pk": channel.id,
        "local_date": day,
        "pack_id": pack.id,
        "prompt_id": choice.prompt.id,
        "prompt": choice.prompt.snapshot(),
        "trains": choice.trains,
        "choice_reason": choice.reason or None,
        "claimed_at": now,
        "answers_close_at": now + timedelta(minutes=channel.answer_window_minutes),
        "reviews_close_at": now + timedelta(minutes=channel.review_window_minutes),
    }
    claimed = claim(
        session,
        PromptPost,
        {"channel_pk": channel.id, "local_date": day},
        {k: v for k, v in values.items() if k not in ("channel_pk", "local_date")},
        now,
    )
    if claimed is None:
        session.rollback()
        return None
    if claimed is Claimed.TAKEOVER:
        log.warning("taking over a stale claim for channel %s on %s", channel.channel_id, day)
    post = session.scalars(
        select(PromptPost).where(PromptPost.channel_pk == channel.id, PromptPost.local_date == day)
    ).one()
    # End the transaction before Slack is called: on SQLite every transaction holds the write
    # lock (BEGIN IMMEDIATE), so a slow Slack would block every other writer meanwhile; and the
    # OAuth gateway reads tokens on another connection.
    session.commit()
    return post, claimed is Claimed.TAKEOVER


def post_prompts(
    session: Session,
    now: datetime,
    *,
    library: Library,
    publisher: PromptPublisher,
    channel_id: str | None = None,
) -> list[PostOutcome]:
    """Post every prompt due at `now` (claim, call Slack, store the ts), each exactly once."""
    outcomes: list[PostOutcome] = []
    for channel, day in due_channels(session, now, channel_id):
        outcomes.append(post_one(session, channel, day, now, library=library, publisher=publisher))
    return outcomes


def post_one(
    session: Session,
    channel: Channel,
    day: date,
    now: datetime,
    *,
    library: Library,
    publisher: PromptPublisher,
) -> PostOutcome:
    claim = claim_post(session, channel, day, now, library)
    if claim is None:
        if library.pack(channel.content_pack) is None and library.pack("pmm") is None:
            log.error(
                "channel %s: content pack %r is missing", channel.channel_id, channel.content_pack
            )
            return PostOutcome(channel.channel_id, day, "no-content", channel.content_pack)
        return PostOutcome(channel.channel_id, day, "skipped", "claimed elsewhere")
    post, takeover = claim
    try:
        ts = publisher.find_prompt(channel, post) if takeover else None
        if ts is not None:
            log.warning("adopted the prompt already posted in %s for %s", channel.channel_id, day)
        else:
            ts = publisher.post_prompt(channel, post)
    except PublishError as exc:
        return _release(session, channel, post, now, exc)
    except Exception:
        log.exception("posting the prompt in %s failed", channel.channel_id)
        return _release(session, channel, post, now, PublishError("unexpected", permanent=False))
    post.message_ts = ts
    post.posted_at = now
    session.commit()
    log.info("posted prompt %s in %s for %s", post.prompt_id, channel.channel_id, day)
    return PostOutcome(channel.channel_id, day, "posted", ts)


def _release(
    session: Session, channel: Channel, post: PromptPost, now: datetime, exc: PublishError
) -> PostOutcome:
    session.execute(delete(PromptPost).where(PromptPost.id == post.id))
    if exc.permanent:
        pause_channel(session, channel, now, f"Slack error: {exc.reason}")
        log.error("channel %s paused: Slack answered %s", channel.channel_id, exc.reason)
    else:
        log.warning("posting in %s failed (%s); will retry", channel.channel_id, exc.reason)
    session.commit()
    return PostOutcome(
        channel.channel_id, post.local_date, "paused" if exc.permanent else "failed", exc.reason
    )


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


def post_now(
    session: Session,
    channel: Channel,
    now: datetime,
    *,
    library: Library,
    publisher: PromptPublisher,
) -> PostOutcome:
    """`/practice now`: today's prompt at once, whatever the schedule; never a second one."""
    day = local_date(now, channel.timezone)
    existing = session.scalars(
        select(PromptPost).where(PromptPost.channel_pk == channel.id, PromptPost.local_date == day)
    ).one_or_none()
    if existing is not None and (
        existing.message_ts is not None or existing.claimed_at > now - CLAIM_LEASE
    ):
        return PostOutcome(channel.channel_id, day, "exists", existing.message_ts or "")
    return post_one(session, channel, day, now, library=library, publisher=publisher)
