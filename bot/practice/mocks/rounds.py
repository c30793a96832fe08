"""A match's rounds: swapping roles, announcing, scores, ratings and progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.content import Criterion, Library
from bot.db import affected, insert_for
from bot.models import (
    MockMatch,
    MockRating,
    MockRequest,
    MockRound,
    MockScore,
)
from bot.practice.mocks.matching import choose_mock_prompt, new_round, workspace_pack
from bot.practice.mocks.queue import (
    MockError,
    current_round,
    lock_team,
)
from bot.practice.mocks.views import MatchView, RoundView, match_view, round_view
from bot.practice.workspaces import installed_team_ids

ROUNDS = 2


# A round whose intro failed is re-sent by the expire-mocks job after this.
ANNOUNCE_GRACE = timedelta(minutes=1)


def get_match(session: Session, match_id: int) -> MockMatch:
    match = session.get(MockMatch, match_id)
    if match is None:
        raise MockError("mock-gone")
    return match


def get_round(session: Session, match_id: int, number: int) -> MockRound:
    rnd = session.scalars(
        select(MockRound).where(MockRound.match_id == match_id, MockRound.round == number)
    ).one_or_none()
    if rnd is None:
        raise MockError("round-not-started")
    return rnd


def swap_roles(
    session: Session, match_id: int, user_id: str, now: datetime, *, library: Library
) -> MockRound:
    """Start round 2 with the roles reversed and a case new to the new candidate.

    Only the two partners may swap, once, while the match is live.
    """
    match = get_match(session, match_id)
    if user_id not in (match.user_a, match.user_b):
        raise MockError("not-in-mock-swap")
    lock_team(session, match.team_id)
    session.refresh(match)
    if match.round >= ROUNDS:
        raise MockError("already-swapped")
    if match.status != "live":
        raise MockError("ended-swap")
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
        raise MockError("already-swapped")
    rnd = new_round(match, previous.round + 1, candidate, interviewer, pack, prompt, now)
    session.add(rnd)
    session.flush()
    session.refresh(match)
    return rnd


@dataclass(frozen=True)
class RoundRoles:
    """Who is who in a round: what its buttons, forms and notes need."""

    match_id: int
    round: int
    candidate_id: str
    interviewer_id: str


def roles_of(rnd: MockRound) -> RoundRoles:
    return RoundRoles(rnd.match_id, rnd.round, rnd.candidate_id, rnd.interviewer_id)


@dataclass(frozen=True)
class RoundNotice:
    """A round's intro (with the partners' notes) or its interviewer's guide, claimed: plain
    data for the notifier, which runs after the claim's unit of work closed."""

    match: MatchView
    round: RoundView
    notes: dict[str, str] = field(default_factory=dict)
    rubric: tuple[Criterion, ...] = ()


def _claim(session: Session, rnd: MockRound, column: Any, now: datetime) -> bool:
    return affected(
        session,
        update(MockRound).where(MockRound.id == rnd.id, column.is_(None)).values({column: now}),
    )


def claim_intro(session: Session, match_id: int, number: int, now: datetime) -> RoundNotice | None:
    """Claim posting the round's intro in the group DM (`announced_at`); None when done."""
    match = get_match(session, match_id)
    rnd = get_round(session, match_id, number)
    if not _claim(session, rnd, MockRound.announced_at, now):
        return None
    notes = session.execute(
        select(MockRequest.user_id, MockRequest.note).where(MockRequest.match_id == match.id)
    ).all()
    return RoundNotice(
        match_view(session, match), round_view(rnd), notes={user: note for user, note in notes}
    )


def store_intro(session: Session, notice: RoundNotice, conversation: str) -> None:
    """The group DM the intro went to: the scores are posted there, round 2 reuses it."""
    session.execute(
        update(MockMatch)
        .where(MockMatch.id == notice.match.id)
        .values(conversation_id=conversation)
    )


def claim_guide(
    session: Session, match_id: int, number: int, now: datetime, library: Library
) -> RoundNotice | None:
    """Claim DMing the interviewer their guide (`guided_at`), on the rubric of the round's
    kind; None when done."""
    match = get_match(session, match_id)
    rnd = get_round(session, match_id, number)
    if not _claim(session, rnd, MockRound.guided_at, now):
        return None
    pack = library.pack(rnd.pack_id)
    rubric = pack.criteria_of_snapshot(rnd.prompt or {}) if pack is not None else ()
    return RoundNotice(match_view(session, match), round_view(rnd), rubric=rubric)


def release_notice(session: Session, notice: RoundNotice, column: str) -> None:
    """Slack refused that part: unclaimed, so the expire-mocks job sends it again."""
    session.execute(
        update(MockRound)
        .where(MockRound.match_id == notice.round.match_id, MockRound.round == notice.round.round)
        .values({column: None})
    )


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
    """The criteria the round's case is scored on: the rubric of its kind (its own for a
    behavioural story or a pitch, else the pack's default), narrowed to those that apply."""
    rnd = get_round(session, match_id, number)
    pack = library.pack(rnd.pack_id)
    if pack is None:
        raise MockError("pack-gone", pack=rnd.pack_id)
    return pack.criteria_of_snapshot(rnd.prompt or {})


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
    """The round's interviewer scores the candidate (replacing earlier scores).

    Scoring the last round ends the match.
    """
    rnd = get_round(session, match_id, number)
    if scorer != rnd.interviewer_id:
        raise MockError("candidate-scores")
    criteria = {c.id for c in mock_rubric(session, match_id, number, library)}
    unknown = set(scores) - criteria
    missing = criteria - set(scores)
    if unknown or missing:
        raise MockError("missing-scores", missing=str(sorted(missing)))
    bad = [c for c, s in scores.items() if not 1 <= s <= 5]
    if bad:
        raise MockError("scores-range", criteria=", ".join(sorted(bad)))
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
    session.flush()
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
    """The round's candidate rates the interviewer's helpfulness 1-5 (replaces)."""
    rnd = get_round(session, match_id, number)
    if rater != rnd.candidate_id:
        raise MockError("interviewer-rates")
    if not 1 <= score <= 5:
        raise MockError("helpfulness-range")
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
    return rnd


@dataclass(frozen=True)
class CriterionProgress:
    criterion: str
    mean: float
    count: int


def mock_progress(session: Session, team_id: str, user_id: str) -> list[CriterionProgress]:
    """Per-criterion mean of the scores the user got as a mock candidate (for /practice stats),
    from rounds whose feedback was revealed (docs/mock.md, "Feedback")."""
    rows = session.execute(
        select(MockScore.criterion, func.avg(MockScore.score), func.count())
        .join(MockMatch, MockMatch.id == MockScore.match_id)
        .join(
            MockRound,
            and_(MockRound.match_id == MockScore.match_id, MockRound.round == MockScore.round),
        )
        .where(
            MockMatch.team_id == team_id,
            MockScore.candidate_id == user_id,
            MockRound.revealed_at.is_not(None),
        )
        .group_by(MockScore.criterion)
        .order_by(MockScore.criterion)
    )
    return [CriterionProgress(c, float(mean), int(n)) for c, mean, n in rows]
