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
    PromptPost,
)
from bot.practice.mocks.queue import (
    MockError,
    lock_team,
    waiting,
)

log = logging.getLogger(__name__)


# Pairs who met within this window are matched only when nobody else is waiting.
REMATCH_WINDOW = timedelta(weeks=4)


def tz_distance(a: int, b: int) -> int:
    """Minutes between two UTC offsets on the 24-hour clock (so +13:00 is near -11:00)."""
    diff = abs(a - b) % 1440
    return min(diff, 1440 - diff)


def _recent_pairs(
    session: Session, team_id: str, users: list[str], now: datetime
) -> set[frozenset[str]]:
    rows = session.execute(
        select(MockMatch.user_a, MockMatch.user_b).where(
            MockMatch.team_id == team_id,
            MockMatch.created_at >= now - REMATCH_WINDOW,
            MockMatch.user_a.in_(users),
            MockMatch.user_b.in_(users),
        )
    )
    return {frozenset(r) for r in rows}


def choose_pairs(
    queue: list[MockRequest], recent: set[frozenset[str]]
) -> list[tuple[MockRequest, MockRequest]]:
    """Pair the queue, oldest request first; each takes the best partner still free.

    Best: not met within REMATCH_WINDOW, then the closest time zone, then the oldest request.
    `queue` is ordered oldest first; the result is deterministic.
    """
    free = list(queue)
    pairs = []
    while len(free) >= 2:
        first = free.pop(0)
        options = [r for r in free if r.user_id != first.user_id]
        if not options:
            break
        partner = min(
            options,
            key=lambda r: (
                frozenset((first.user_id, r.user_id)) in recent,
                tz_distance(first.tz_offset_minutes, r.tz_offset_minutes),
                r.created_at,
                r.id,
            ),
        )
        free.remove(partner)
        pairs.append((first, partner))
    return pairs


def match_waiting(
    session: Session, team_id: str, now: datetime, *, library: Library
) -> list[MockMatch]:
    """Match every pair the workspace's queue allows; returns the new matches."""
    lock_team(session, team_id)
    queue = waiting(session, team_id, now)
    if len(queue) < 2:
        return []
    recent = _recent_pairs(session, team_id, [r.user_id for r in queue], now)
    pack = workspace_pack(session, team_id, library)
    matches = []
    for first, second in choose_pairs(queue, recent):
        match = _create_match(session, team_id, first, second, pack, now)
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
    )
    session.add(match)
    session.flush()
    session.execute(
        update(MockRequest)
        .where(MockRequest.id.in_(pair), MockRequest.status == "waiting")
        .values(status="matched", match_id=match.id)
    )
    session.add(new_round(match, 1, candidate, interviewer, pack, prompt, now))
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
    raise MockError("No content pack with prompts is installed, so there is no case to use.")


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
