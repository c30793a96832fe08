"""`/mock`, one function per use case: request, status, cancel, stats, announcing a round,
swapping roles, the feedback forms, and the expire-mocks due work."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.content import Criterion, Library
from bot.db import SessionFactory, unit_of_work
from bot.models import MockRound
from bot.practice.mocks.matching import workspace_pack
from bot.practice.mocks.queue import (
    ExpiredRequest,
    MockError,
    MockStatus,
    cancel_mock,
    expire_mocks,
    mock_status,
)
from bot.practice.mocks.request import RequestOutcome, request_mock
from bot.practice.mocks.rounds import (
    CriterionProgress,
    RoundNotice,
    claim_guide,
    claim_intro,
    get_match,
    get_round,
    mock_progress,
    mock_rubric,
    rate_interviewer,
    record_mock_scores,
    release_notice,
    store_intro,
    swap_roles,
    unannounced_rounds,
)
from bot.practice.ports import MockNotifier, PublishError
from bot.services.publishing import claim_then_call

log = logging.getLogger(__name__)


def announce_round(
    sessions: SessionFactory,
    match_id: int,
    number: int,
    now: datetime,
    *,
    library: Library,
    notifier: MockNotifier,
) -> bool:
    """Post a round's intro in the group DM and DM the interviewer's guide, each once.

    Each is claimed before Slack is called; a Slack failure releases that claim (so the
    expire-mocks job can retry just that part) and raises PublishError. Returns whether this
    call sent anything.
    """
    intro = claim_then_call(
        sessions,
        lambda session: claim_intro(session, match_id, number, now),
        lambda notice: notifier.post_intro(notice.match, notice.round, notice.notes),
        store=store_intro,
        release=lambda session, notice, _exc: release_notice(session, notice, "announced_at"),
        release_on=PublishError,
    )
    guide = claim_then_call(
        sessions,
        lambda session: claim_guide(session, match_id, number, now, library),
        lambda notice: notifier.send_guide(notice.match, notice.round, notice.rubric),
        release=lambda session, notice, _exc: release_notice(session, notice, "guided_at"),
        release_on=PublishError,
    )
    return intro is not None or guide is not None


@dataclass(frozen=True)
class MockRequestResult:
    outcome: RequestOutcome
    announce_failure: str = ""  # matched, but Slack refused part of the introduction


def request_partner(
    sessions: SessionFactory,
    now: datetime,
    team_id: str,
    user_id: str,
    note: str,
    tz_offset_minutes: int,
    *,
    library: Library,
    expiry: timedelta,
    notifier: MockNotifier,
) -> MockRequestResult:
    """`/mock [note]`: queued, updated, or matched and introduced. Raises MockError."""
    with unit_of_work(sessions) as session:
        outcome = request_mock(
            session, team_id, user_id, note, tz_offset_minutes, now, library=library, expiry=expiry
        )
        session.commit()
    log.info("/mock by %s in %s: %s", user_id, team_id, outcome.status)
    if outcome.status == "matched" and outcome.match_id is not None:
        try:
            announce_round(sessions, outcome.match_id, 1, now, library=library, notifier=notifier)
        except PublishError as exc:
            log.error("could not announce mock %s: %s", outcome.match_id, exc.reason)
            return MockRequestResult(outcome, exc.reason)
    return MockRequestResult(outcome)


def status(sessions: SessionFactory, team_id: str, user_id: str, now: datetime) -> MockStatus:
    with unit_of_work(sessions) as session:
        return mock_status(session, team_id, user_id, now)


def cancel(sessions: SessionFactory, team_id: str, user_id: str, now: datetime) -> bool:
    """`/mock cancel`: False when the user was not waiting."""
    with unit_of_work(sessions) as session:
        left = cancel_mock(session, team_id, user_id, now)
        session.commit()
    return left


def progress(
    sessions: SessionFactory, team_id: str, user_id: str, library: Library
) -> tuple[list[CriterionProgress], dict[str, str]]:
    """`/mock stats`: the user's mean per criterion, and the criteria's names."""
    with unit_of_work(sessions) as session:
        found = mock_progress(session, team_id, user_id)
        try:
            rubric = workspace_pack(session, team_id, library).rubric
        except MockError:  # no content installed: criterion ids stand in for names
            rubric = ()
    return found, {c.id: c.name for c in rubric}


def swap(
    sessions: SessionFactory,
    match_id: int,
    user_id: str,
    now: datetime,
    *,
    library: Library,
    notifier: MockNotifier,
) -> str:
    """Round 2 with the roles reversed, announced; raises MockError when refused. Returns why
    part of the announcement failed ("" when it all went out)."""
    with unit_of_work(sessions) as session:
        number = swap_roles(session, match_id, user_id, now, library=library).round
        session.commit()
    log.info("mock %s: roles swapped by %s", match_id, user_id)
    try:
        announce_round(sessions, match_id, number, now, library=library, notifier=notifier)
    except PublishError as exc:
        log.error("could not announce round %s of mock %s: %s", number, match_id, exc.reason)
        return exc.reason
    return ""


@dataclass(frozen=True)
class RoundForm:
    round: MockRound
    rubric: tuple[Criterion, ...]


def round_form(sessions: SessionFactory, match_id: int, number: int, library: Library) -> RoundForm:
    """Who is who in the round, and its rubric, for its feedback forms. Raises MockError."""
    with unit_of_work(sessions) as session:
        rnd = get_round(session, match_id, number)
        rubric = mock_rubric(session, match_id, library)
        session.expunge(rnd)  # kept loaded: the unit of work's rollback would expire it
    return RoundForm(rnd, rubric)


@dataclass(frozen=True)
class ScoredRound:
    round: RoundNotice
    conversation: str | None  # the group DM the scores are posted in


def submit_scores(
    sessions: SessionFactory,
    now: datetime,
    match_id: int,
    number: int,
    scorer: str,
    scores: dict[str, int],
    *,
    library: Library,
) -> ScoredRound:
    """The interviewer's rubric scores (replacing earlier ones). Raises MockError."""
    with unit_of_work(sessions) as session:
        rnd = record_mock_scores(session, match_id, number, scorer, scores, now, library=library)
        match = get_match(session, match_id)
        session.commit()
    log.info("mock %s round %s scored by %s", match_id, number, scorer)
    return ScoredRound(RoundNotice(match, rnd), match.conversation_id)


def submit_rating(
    sessions: SessionFactory,
    now: datetime,
    match_id: int,
    number: int,
    rater: str,
    score: int,
    comment: str | None,
) -> None:
    """The candidate's helpfulness rating of the interviewer. Raises MockError."""
    with unit_of_work(sessions) as session:
        rate_interviewer(session, match_id, number, rater, score, comment, now)
        session.commit()
    log.info("mock %s round %s: interviewer rated by %s", match_id, number, rater)


def expire_requests(sessions: SessionFactory, now: datetime) -> list[ExpiredRequest]:
    """Every waiting request past its time, claimed once (the caller tells each user)."""
    with unit_of_work(sessions) as session:
        expired = expire_mocks(session, now)
        session.commit()
    return expired


def announce_missing(
    sessions: SessionFactory, now: datetime, *, library: Library, notifier: MockNotifier
) -> list[str]:
    """Rounds whose intro or guide never reached Slack, sent again; one line per round."""
    with unit_of_work(sessions) as session:
        rounds = unannounced_rounds(session, now)
    details = []
    for match_id, number in rounds:
        try:
            sent = announce_round(
                sessions, match_id, number, now, library=library, notifier=notifier
            )
        except PublishError as exc:
            details.append(f"mock {match_id} round {number}: intro failed again {exc.reason}")
            continue
        if sent:
            details.append(f"mock {match_id} round {number}: intro re-sent")
    return details
