"""Peer mock interviews (`/mock`): the queue, matching, rounds, feedback and progress.

A request waits in its workspace's queue until a partner arrives; two waiting users are
matched at once. Matching is serialised per workspace (a transaction-scoped advisory lock on
PostgreSQL; `BEGIN IMMEDIATE` already serialises writers on SQLite), and a match moves both
requests from 'waiting' to 'matched' in one guarded UPDATE that must touch both rows, so a
request is matched at most once and a user is never in two live matches. The partial unique
index on waiting requests keeps one waiting request per user.

A match has one or two rounds (`MockRound`): the candidate answers a case, the interviewer
plays the skeptic and scores the candidate on the pack's rubric; "swap roles" starts round 2
with the roles reversed. Mock scores count in the leaderboard with `MOCK_WEIGHT` (docs/mock.md).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.orm import Session

from bot.content import Criterion, Library, Pack, Prompt
from bot.db import affected, insert_for, is_postgres
from bot.models import (
    Answer,
    Channel,
    MockMatch,
    MockRating,
    MockRequest,
    MockRound,
    MockScore,
    PromptPost,
)
from bot.practice.channels import ensure_workspace
from bot.practice.ports import MockNotifier, PublishError
from bot.practice.workspaces import installed_team_ids

log = logging.getLogger(__name__)

# How long a request waits for a partner before it expires (with a DM saying so).
MOCK_EXPIRY = timedelta(hours=48)
# Pairs who met within this window are matched only when nobody else is waiting.
REMATCH_WINDOW = timedelta(weeks=4)
# A live match whose current round has no feedback stops blocking new requests after this.
MATCH_IDLE = timedelta(hours=48)
# The weight of one mock round's mean score against one reviewed daily answer (docs/mock.md).
MOCK_WEIGHT = 0.5
# A round whose intro failed is re-sent by the expire-mocks job after this.
ANNOUNCE_GRACE = timedelta(minutes=1)
DEFAULT_PACK = "pmm"
NOTE_LIMIT = 500
ROUNDS = 2


class MockError(Exception):
    """A refused mock action; the message says why and what to do instead."""


@dataclass(frozen=True)
class RequestOutcome:
    status: Literal["queued", "updated", "matched", "in-match"]
    request_id: int | None = None
    match_id: int | None = None
    partner_id: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class MockStatus:
    status: Literal["waiting", "in-match", "none"]
    place: int = 0  # 1-based place in the workspace's queue
    waiting: int = 0  # how many are waiting in the workspace, the user included
    age: timedelta = timedelta(0)
    note: str = ""
    expires_at: datetime | None = None
    match_id: int | None = None
    partner_id: str | None = None
    role: str = ""  # "candidate" or "interviewer" in the current round


@dataclass(frozen=True)
class ExpiredRequest:
    team_id: str
    user_id: str
    created_at: datetime
    note: str


# --- queue -------------------------------------------------------------------------------


def _lock_team(session: Session, team_id: str) -> None:
    """Serialise queue changes and matching within one workspace until the transaction ends."""
    if is_postgres(session):
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:t))"), {"t": f"mock:{team_id}"}
        )


def _waiting(session: Session, team_id: str, now: datetime) -> list[MockRequest]:
    return list(
        session.scalars(
            select(MockRequest)
            .where(
                MockRequest.team_id == team_id,
                MockRequest.status == "waiting",
                MockRequest.expires_at > now,
            )
            .order_by(MockRequest.created_at, MockRequest.id)
        )
    )


def _waiting_row(session: Session, team_id: str, user_id: str) -> MockRequest | None:
    return session.scalars(
        select(MockRequest).where(
            MockRequest.team_id == team_id,
            MockRequest.user_id == user_id,
            MockRequest.status == "waiting",
        )
    ).one_or_none()


def live_match_for(session: Session, team_id: str, user_id: str) -> MockMatch | None:
    return session.scalars(
        select(MockMatch)
        .where(
            MockMatch.team_id == team_id,
            MockMatch.status == "live",
            or_(MockMatch.user_a == user_id, MockMatch.user_b == user_id),
        )
        .order_by(MockMatch.id.desc())
    ).first()


def current_round(session: Session, match: MockMatch) -> MockRound:
    return session.scalars(
        select(MockRound).where(MockRound.match_id == match.id, MockRound.round == match.round)
    ).one()


def _settle_if_idle(session: Session, match: MockMatch, now: datetime) -> bool:
    """End a live match whose current round has feedback or has gone idle; True if ended."""
    rnd = current_round(session, match)
    if rnd.scored_at is None and rnd.started_at > now - MATCH_IDLE:
        return False
    return affected(
        session,
        update(MockMatch)
        .where(MockMatch.id == match.id, MockMatch.status == "live")
        .values(status="done"),
    )


def request_mock(
    session: Session,
    team_id: str,
    user_id: str,
    note: str,
    tz_offset_minutes: int,
    now: datetime,
    *,
    library: Library,
    expiry: timedelta = MOCK_EXPIRY,
) -> RequestOutcome:
    """`/mock [note]`: queue the user (or update their note), then match whoever can be.

    Commits. A user whose live match still has a round in progress is told so instead.
    """
    note = note.strip()[:NOTE_LIMIT]
    ensure_workspace(session, team_id, now)
    _lock_team(session, team_id)
    live = live_match_for(session, team_id, user_id)
    if live is not None and not _settle_if_idle(session, live, now):
        session.commit()
        partner = live.user_b if live.user_a == user_id else live.user_a
        return RequestOutcome("in-match", match_id=live.id, partner_id=partner)
    existing = _waiting_row(session, team_id, user_id)
    if existing is not None and existing.expires_at > now:
        existing.note = note
        existing.tz_offset_minutes = tz_offset_minutes
        existing.expires_at = now + expiry
        session.commit()
        return RequestOutcome("updated", request_id=existing.id, expires_at=existing.expires_at)
    if existing is not None:  # expired but not yet swept: it ends now, a fresh one starts
        existing.status = "expired"
        session.flush()
    insert = insert_for(session)
    session.execute(
        insert(MockRequest)
        .values(
            team_id=team_id,
            user_id=user_id,
            note=note,
            tz_offset_minutes=tz_offset_minutes,
            created_at=now,
            expires_at=now + expiry,
            status="waiting",
        )
        .on_conflict_do_update(
            index_elements=["team_id", "user_id"],
            index_where=text("status = 'waiting'"),
            set_={"note": note, "tz_offset_minutes": tz_offset_minutes},
        )
    )
    request = _waiting_row(session, team_id, user_id)
    assert request is not None
    matches = match_waiting(session, team_id, now, library=library)
    session.commit()
    for match in matches:
        if user_id in (match.user_a, match.user_b):
            partner = match.user_b if match.user_a == user_id else match.user_a
            return RequestOutcome("matched", request.id, match.id, partner)
    return RequestOutcome("queued", request_id=request.id, expires_at=request.expires_at)


def mock_status(session: Session, team_id: str, user_id: str, now: datetime) -> MockStatus:
    live = live_match_for(session, team_id, user_id)
    if live is not None:
        rnd = current_round(session, live)
        return MockStatus(
            "in-match",
            match_id=live.id,
            partner_id=live.user_b if live.user_a == user_id else live.user_a,
            role="candidate" if rnd.candidate_id == user_id else "interviewer",
        )
    queue = _waiting(session, team_id, now)
    for place, request in enumerate(queue, start=1):
        if request.user_id == user_id:
            return MockStatus(
                "waiting",
                place=place,
                waiting=len(queue),
                age=now - request.created_at,
                note=request.note,
                expires_at=request.expires_at,
            )
    return MockStatus("none", waiting=len(queue))


def cancel_mock(session: Session, team_id: str, user_id: str, now: datetime) -> bool:
    """`/mock cancel`: leave the queue. False when the user was not waiting. Commits."""
    _lock_team(session, team_id)
    left = affected(
        session,
        update(MockRequest)
        .where(
            MockRequest.team_id == team_id,
            MockRequest.user_id == user_id,
            MockRequest.status == "waiting",
            MockRequest.expires_at > now,
        )
        .values(status="cancelled"),
    )
    session.commit()
    return left


def expire_mocks(session: Session, now: datetime) -> list[ExpiredRequest]:
    """Expire every waiting request past its time, each claimed once. Commits.

    The caller tells each returned user by DM; a request claimed here is never returned again.
    """
    due = session.execute(
        select(MockRequest.id).where(
            MockRequest.status == "waiting",
            MockRequest.expires_at <= now,
            MockRequest.team_id.in_(installed_team_ids()),
        )
    ).scalars()
    expired: list[ExpiredRequest] = []
    for request_id in list(due):
        row = session.execute(
            update(MockRequest)
            .where(
                MockRequest.id == request_id,
                MockRequest.status == "waiting",
                MockRequest.expires_at <= now,
            )
            .values(status="expired")
            .returning(
                MockRequest.team_id, MockRequest.user_id, MockRequest.created_at, MockRequest.note
            )
        ).first()
        if row is not None:
            expired.append(ExpiredRequest(row[0], row[1], row[2], row[3]))
    session.commit()
    return expired


# --- matching ----------------------------------------------------------------------------


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
    """Match every pair the workspace's queue allows; returns the new matches. No commit."""
    _lock_team(session, team_id)
    queue = _waiting(session, team_id, now)
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
    candidate, interviewer = _roles(session, team_id, first.user_id, second.user_id)
    prompt = choose_mock_prompt(session, team_id, pack, candidate)
    savepoint = session.begin_nested()
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
    taken = session.execute(
        update(MockRequest)
        .where(MockRequest.id.in_([first.id, second.id]), MockRequest.status == "waiting")
        .values(status="matched", match_id=match.id)
        .returning(MockRequest.id)
    ).all()
    if len(taken) != 2:  # one of them left (cancel, expiry) since the queue was read
        savepoint.rollback()
        return None
    session.add(_round(match, 1, candidate, interviewer, pack, prompt, now))
    savepoint.commit()
    log.info("mock match %s: %s (candidate) and %s", match.id, candidate, interviewer)
    return match


def _round(
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
        ).all()  # type: ignore[arg-type]
    )
    if counts.get(second, 0) < counts.get(first, 0):
        return second, first
    return first, second


def workspace_pack(session: Session, team_id: str, library: Library) -> Pack:
    """The pack most of the workspace's channels use; "pmm" when none (or on a tie)."""
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


# --- rounds and feedback -----------------------------------------------------------------


def get_match(session: Session, match_id: int) -> MockMatch:
    match = session.get(MockMatch, match_id)
    if match is None:
        raise MockError("I can't find that mock any more.")
    return match


def get_round(session: Session, match_id: int, number: int) -> MockRound:
    rnd = session.scalars(
        select(MockRound).where(MockRound.match_id == match_id, MockRound.round == number)
    ).one_or_none()
    if rnd is None:
        raise MockError("That round of the mock has not started.")
    return rnd


def swap_roles(
    session: Session, match_id: int, user_id: str, now: datetime, *, library: Library
) -> MockRound:
    """Start round 2 with the roles reversed and a case new to the new candidate. Commits.

    Only the two partners may swap, once, while the match is live.
    """
    match = get_match(session, match_id)
    if user_id not in (match.user_a, match.user_b):
        raise MockError("Only the two people in this mock can swap its roles.")
    _lock_team(session, match.team_id)
    session.refresh(match)
    if match.round >= ROUNDS:
        raise MockError("Roles were already swapped: this mock is in its second round.")
    if match.status != "live":
        raise MockError("This mock has ended. Run `/mock` for a new partner.")
    previous = current_round(session, match)
    candidate, interviewer = previous.interviewer_id, previous.candidate_id
    pack = library.pack(match.pack_id) or workspace_pack(session, match.team_id, library)
    prompt = choose_mock_prompt(session, match.team_id, pack, candidate)
    claimed = affected(
        session,
        update(MockMatch)
        .where(MockMatch.id == match.id, MockMatch.round == previous.round)
        .values(round=previous.round + 1, candidate_id=candidate, interviewer_id=interviewer),
    )
    if not claimed:
        session.rollback()
        raise MockError("Roles were already swapped: this mock is in its second round.")
    rnd = _round(match, previous.round + 1, candidate, interviewer, pack, prompt, now)
    session.add(rnd)
    session.commit()
    session.refresh(match)
    return rnd


def announce_round(
    session: Session,
    match_id: int,
    number: int,
    now: datetime,
    *,
    library: Library,
    notifier: MockNotifier,
) -> bool:
    """Post a round's intro in the group DM and DM the interviewer's guide, each once. Commits.

    Each is claimed before Slack is called; a Slack failure releases that claim (so the
    expire-mocks job can retry just that part) and raises PublishError. Returns whether this
    call sent anything.
    """
    match = get_match(session, match_id)
    rnd = get_round(session, match_id, number)
    sent = False
    if _claim(session, rnd, MockRound.announced_at, now):
        notes = dict(
            session.execute(
                select(MockRequest.user_id, MockRequest.note).where(
                    MockRequest.match_id == match.id
                )
            ).all()
        )
        session.commit()  # never hold a transaction (a SQLite write lock) across a Slack call
        with _released_on_failure(session, rnd, "announced_at"):
            conversation = notifier.post_intro(match, rnd, notes)
        match.conversation_id = conversation
        session.commit()
        sent = True
    if _claim(session, rnd, MockRound.guided_at, now):
        pack = library.pack(rnd.pack_id)
        rubric: tuple[Criterion, ...] = (
            pack.rubric_for(str(rnd.prompt.get("kind", ""))) if pack is not None else ()
        )
        with _released_on_failure(session, rnd, "guided_at"):
            notifier.send_guide(match, rnd, rubric)
        sent = True
    return sent


def _claim(session: Session, rnd: MockRound, column: Any, now: datetime) -> bool:
    claimed = affected(
        session,
        update(MockRound).where(MockRound.id == rnd.id, column.is_(None)).values({column: now}),
    )
    session.commit()
    return claimed


@contextmanager
def _released_on_failure(session: Session, rnd: MockRound, column: str) -> Iterator[None]:
    try:
        yield
    except PublishError:
        session.rollback()
        session.execute(update(MockRound).where(MockRound.id == rnd.id).values({column: None}))
        session.commit()
        raise


def unannounced_rounds(session: Session, now: datetime) -> list[tuple[int, int]]:
    """(match id, round) of rounds whose intro or guide never reached Slack (a failure).

    Rounds started less than ANNOUNCE_GRACE ago are left to the listener announcing them.
    """
    rows = session.execute(
        select(MockRound.match_id, MockRound.round)
        .join(MockMatch, MockMatch.id == MockRound.match_id)
        .where(
            or_(MockRound.announced_at.is_(None), MockRound.guided_at.is_(None)),
            MockRound.started_at <= now - ANNOUNCE_GRACE,
            MockMatch.status == "live",
            MockMatch.team_id.in_(installed_team_ids()),
        )
        .order_by(MockRound.match_id, MockRound.round)
    )
    return [(match_id, number) for match_id, number in rows]


def mock_rubric(
    session: Session, match_id: int, number: int, library: Library
) -> tuple[Criterion, ...]:
    """The rubric of the round's case: its kind's own (a behavioural story, a pitch) or the
    pack's default."""
    rnd = get_round(session, match_id, number)
    pack = library.pack(rnd.pack_id)
    if pack is None:
        raise MockError(f"The content pack `{rnd.pack_id}` of this mock is gone.")
    return pack.rubric_for(str(rnd.prompt.get("kind", "")))


def record_mock_scores(
    session: Session,
    match_id: int,
    number: int,
    scorer: str,
    scores: dict[str, int],
    now: datetime,
    *,
    library: Library,
) -> MockRound:
    """The round's interviewer scores the candidate (replacing earlier scores). Commits.

    Scoring the last round ends the match.
    """
    rnd = get_round(session, match_id, number)
    if scorer != rnd.interviewer_id:
        raise MockError(
            "Only this round's interviewer scores it. As the candidate you can rate how "
            "helpful your interviewer was instead."
        )
    criteria = {c.id for c in mock_rubric(session, match_id, number, library)}
    unknown = set(scores) - criteria
    missing = criteria - set(scores)
    if unknown or missing:
        raise MockError(f"Score every rubric criterion once (missing: {sorted(missing)}).")
    bad = [c for c, s in scores.items() if not 1 <= s <= 5]
    if bad:
        raise MockError(f"Scores go from 1 to 5 ({', '.join(sorted(bad))}).")
    insert = insert_for(session)
    for criterion, score in sorted(scores.items()):
        session.execute(
            insert(MockScore)
            .values(
                match_id=match_id,
                round=number,
                candidate_id=rnd.candidate_id,
                interviewer_id=rnd.interviewer_id,
                criterion=criterion,
                score=score,
                created_at=now,
            )
            .on_conflict_do_update(
                index_elements=["match_id", "round", "criterion"],
                set_={"score": score, "created_at": now},
            )
        )
    rnd.scored_at = now
    if number >= ROUNDS:
        session.execute(
            update(MockMatch)
            .where(MockMatch.id == match_id, MockMatch.status == "live")
            .values(status="done")
        )
    session.commit()
    return rnd


def rate_interviewer(
    session: Session,
    match_id: int,
    number: int,
    rater: str,
    score: int,
    comment: str | None,
    now: datetime,
) -> MockRound:
    """The round's candidate rates the interviewer's helpfulness 1-5 (replaces). Commits."""
    rnd = get_round(session, match_id, number)
    if rater != rnd.candidate_id:
        raise MockError(
            "Only this round's candidate rates the interviewer; as the interviewer you score "
            "the candidate on the rubric."
        )
    if not 1 <= score <= 5:
        raise MockError("Helpfulness goes from 1 to 5.")
    comment = (comment or "").strip() or None
    insert = insert_for(session)
    session.execute(
        insert(MockRating)
        .values(
            match_id=match_id,
            round=number,
            rater_id=rater,
            interviewer_id=rnd.interviewer_id,
            score=score,
            comment=comment,
            created_at=now,
        )
        .on_conflict_do_update(
            index_elements=["match_id", "round"],
            set_={"score": score, "comment": comment, "created_at": now},
        )
    )
    session.commit()
    return rnd


# --- progress and the leaderboard --------------------------------------------------------


@dataclass(frozen=True)
class CriterionProgress:
    criterion: str
    mean: float
    count: int


def mock_progress(session: Session, team_id: str, user_id: str) -> list[CriterionProgress]:
    """Per-criterion mean of the scores the user got as a mock candidate (for /practice stats)."""
    rows = session.execute(
        select(MockScore.criterion, func.avg(MockScore.score), func.count())
        .join(MockMatch, MockMatch.id == MockScore.match_id)
        .where(MockMatch.team_id == team_id, MockScore.candidate_id == user_id)
        .group_by(MockScore.criterion)
        .order_by(MockScore.criterion)
    )
    return [CriterionProgress(c, float(mean), int(n)) for c, mean, n in rows]


@dataclass(frozen=True)
class MockPoints:
    user_id: str
    rounds: int  # scored rounds as candidate in the period
    mean: float  # mean rubric score over those rounds' scores
    weight: float = MOCK_WEIGHT


def mock_points(
    session: Session, team_id: str, start: datetime, end: datetime
) -> dict[str, MockPoints]:
    """Candidates' mock rounds scored in [start, end), for the leaderboard.

    Each scored round counts like one reviewed answer whose score is the round's mean rubric
    score, with `MOCK_WEIGHT` as its weight (docs/mock.md); `mean` is the mean of those round
    means.
    """
    per_round = session.execute(
        select(MockScore.candidate_id, func.avg(MockScore.score))
        .join(
            MockRound,
            (MockRound.match_id == MockScore.match_id) & (MockRound.round == MockScore.round),
        )
        .join(MockMatch, MockMatch.id == MockScore.match_id)
        .where(
            MockMatch.team_id == team_id,
            MockRound.scored_at >= start,
            MockRound.scored_at < end,
        )
        .group_by(MockScore.candidate_id, MockScore.match_id, MockScore.round)
    ).all()
    means: dict[str, list[float]] = {}
    for user_id, mean in per_round:
        means.setdefault(user_id, []).append(float(mean))
    return {u: MockPoints(u, len(m), sum(m) / len(m)) for u, m in sorted(means.items())}
