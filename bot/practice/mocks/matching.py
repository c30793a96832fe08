"""Pairing waiting requests: partners, roles, the pack and the case of a new match."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot import metrics
from bot.content import Library, Pack, Prompt
from bot.models import (
    DEFAULT_PACK,
    Answer,
    Channel,
    MockMatch,
    MockRequest,
    MockRound,
    MockStanding,
    PromptPost,
)
from bot.practice.members.settings import away_members
from bot.practice.mocks.availability import LEAD, MIN_SLOT, Slot
from bot.practice.mocks.level import member_levels
from bot.practice.mocks.pairing import Seeker, choose_pairs
from bot.practice.mocks.queue import (
    MockError,
    lock_team,
    waiting,
)

log = logging.getLogger(__name__)


def last_met(session: Session, team_id: str, users: list[str]) -> dict[frozenset[str], datetime]:
    """When each pair of `users` was last matched (pairs never matched are absent)."""
    rows = session.execute(
        select(MockMatch.user_a, MockMatch.user_b, func.max(MockMatch.created_at))
        .where(
            MockMatch.team_id == team_id,
            MockMatch.user_a.in_(users),
            MockMatch.user_b.in_(users),
        )
        .group_by(MockMatch.user_a, MockMatch.user_b)
    )
    met: dict[frozenset[str], datetime] = {}
    for a, b, when in rows:
        pair = frozenset((a, b))
        met[pair] = max(when, met.get(pair, when))
    return met


def seekers(
    session: Session, team_id: str, queue: list[MockRequest], now: datetime
) -> list[Seeker]:
    """The queue as the matcher sees it: windows, waiting time, level, front of the queue."""
    users = [r.user_id for r in queue]
    levels = member_levels(session, team_id, users, now)
    front = set(
        session.scalars(
            select(MockStanding.user_id).where(
                MockStanding.team_id == team_id,
                MockStanding.user_id.in_(users),
                MockStanding.front_of_queue.is_(True),
            )
        )
    )
    return [
        Seeker(r.id, r.user_id, r.windows, r.created_at, levels[r.user_id], r.user_id in front)
        for r in queue
    ]


def match_waiting(
    session: Session,
    team_id: str,
    now: datetime,
    *,
    library: Library,
    slot_length: timedelta = MIN_SLOT,
) -> list[MockMatch]:
    """Match the pairs of the workspace's queue with the largest total weight (pairing.py);
    returns the new matches. Requests of members away at `now` wait, unmatched (they still
    expire at their time): away pauses `/mock`."""
    lock_team(session, team_id)
    queue = waiting(session, team_id, now)
    away = away_members(session, team_id, [r.user_id for r in queue], now)
    queue = [r for r in queue if r.user_id not in away]
    if len(queue) < 2:
        return []
    met = last_met(session, team_id, [r.user_id for r in queue])
    pairs = choose_pairs(seekers(session, team_id, queue, now), met, now, slot_length, now + LEAD)
    if not pairs:
        return []
    pack = workspace_pack(session, team_id, library)
    by_id = {r.id: r for r in queue}
    matches = []
    for pair in pairs:
        first, second = by_id[pair.first.request_id], by_id[pair.second.request_id]
        match = _create_match(session, team_id, first, second, pack, now, pair.slot)
        if match is not None:
            matches.append(match)
    return matches


def _create_match(
    session: Session,
    team_id: str,
    first: MockRequest,
    second: MockRequest,
    pack: Pack,
    now: datetime,
    slot: Slot,
) -> MockMatch | None:
    pair = sorted([first.id, second.id])
    # Both requests locked, still waiting: a cancel or an expiry may have ended one since the
    # queue was read (on SQLite, `BEGIN IMMEDIATE` already keeps other writers out).
    still = session.scalars(
        select(MockRequest.id)
        .where(MockRequest.id.in_(pair), MockRequest.status == "waiting")
        .order_by(MockRequest.id)
        .with_for_update()
    ).all()
    if len(still) != 2:
        return None
    candidate, interviewer = _roles(session, team_id, first.user_id, second.user_id)
    prompt = choose_mock_prompt(session, team_id, pack, candidate)
    match = MockMatch(
        team_id=team_id,
        user_a=first.user_id,
        user_b=second.user_id,
        created_at=now,
        pack_id=pack.id,
        prompt_id=prompt.id,
        prompt=prompt.snapshot(),
        round=1,
        candidate_id=candidate,
        interviewer_id=interviewer,
        status="live",
        slot_start=slot.start,
        slot_end=slot.end,
    )
    session.add(match)
    session.flush()
    session.execute(
        update(MockRequest)
        .where(MockRequest.id.in_(pair), MockRequest.status == "waiting")
        .values(status="matched", match_id=match.id)
    )
    session.add(new_round(match, 1, candidate, interviewer, pack, prompt, now))
    # Whoever went first because a partner did not show is an ordinary member again.
    session.execute(
        update(MockStanding)
        .where(
            MockStanding.team_id == team_id,
            MockStanding.user_id.in_([first.user_id, second.user_id]),
        )
        .values(front_of_queue=False)
    )
    log.info("mock match %s: %s (candidate) and %s", match.id, candidate, interviewer)
    metrics.MOCK_MATCHES.inc()
    return match


def new_round(
    match: MockMatch,
    number: int,
    candidate: str,
    interviewer: str,
    pack: Pack,
    prompt: Prompt,
    now: datetime,
) -> MockRound:
    return MockRound(
        match_id=match.id,
        round=number,
        candidate_id=candidate,
        interviewer_id=interviewer,
        pack_id=pack.id,
        prompt_id=prompt.id,
        prompt=prompt.snapshot(),
        started_at=now,
    )


def _roles(session: Session, team_id: str, first: str, second: str) -> tuple[str, str]:
    """(candidate, interviewer): whoever was candidate less often goes first; ties: `first`."""
    counts: dict[str, int] = dict(
        session.execute(
            select(MockRound.candidate_id, func.count())
            .join(MockMatch, MockMatch.id == MockRound.match_id)
            .where(MockMatch.team_id == team_id, MockRound.candidate_id.in_([first, second]))
            .group_by(MockRound.candidate_id)
        ).all()
    )
    if counts.get(second, 0) < counts.get(first, 0):
        return second, first
    return first, second


def workspace_pack(session: Session, team_id: str, library: Library) -> Pack:
    """The pack most of the workspace's channels use; DEFAULT_PACK when none (or on a tie)."""
    used = Counter(session.scalars(select(Channel.content_pack).where(Channel.team_id == team_id)))
    ranked = sorted(used.items(), key=lambda kv: (-kv[1], kv[0] != DEFAULT_PACK, kv[0]))
    for pack_id in [p for p, _ in ranked] + [DEFAULT_PACK, *sorted(library.packs)]:
        pack = library.pack(pack_id)
        if pack is not None and pack.prompts:
            return pack
    raise MockError("no-content")


def seen_prompts(session: Session, team_id: str, user_id: str) -> Counter[str]:
    """How often the user met each prompt: answered in a channel, or in any mock round."""
    answered = session.scalars(
        select(PromptPost.prompt_id)
        .join(Answer, Answer.post_id == PromptPost.id)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(Channel.team_id == team_id, Answer.user_id == user_id)
    )
    mocked = session.scalars(
        select(MockRound.prompt_id)
        .join(MockMatch, MockMatch.id == MockRound.match_id)
        .where(
            MockMatch.team_id == team_id,
            or_(MockRound.candidate_id == user_id, MockRound.interviewer_id == user_id),
        )
    )
    return Counter([*answered, *mocked])


def choose_mock_prompt(session: Session, team_id: str, pack: Pack, candidate: str) -> Prompt:
    """The first prompt in pack order the candidate has not seen (else the least seen)."""
    seen = seen_prompts(session, team_id, candidate)
    order = {p.id: i for i, p in enumerate(pack.prompts)}
    return min(pack.prompts, key=lambda p: (seen[p.id], order[p.id]))
