"""`/mock`, one function per use case: asking for a partner, status, cancel, stats, swapping
roles, the two feedback forms, and the expire-mocks due work.

Each takes the session factory (and `now`, when it needs one) first, opens its unit of work
and commits once: the mock domain never commits. Announcing a round claims each part, the
intro and the interviewer's guide, with `claim_then_call`, so no transaction is open while
Slack is called. Results are plain data, rendered by the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.content import Criterion, Library
from bot.db import SessionFactory, unit_of_work
from bot.practice.members.settings import prefs_of
from bot.practice.mocks.matching import workspace_pack
from bot.practice.mocks.queue import (
    MOCK_EXPIRY,
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
    RoundRoles,
    claim_guide,
    claim_intro,
    get_match,
    get_round,
    mock_progress,
    mock_rubric,
    rate_interviewer,
    record_mock_scores,
    release_notice,
    roles_of,
    store_intro,
    swap_roles,
    unannounced_rounds,
)
from bot.practice.ports import MockNotifier, PublishError
from bot.services.publishing import claim_then_call

log = logging.getLogger(__name__)

PICK_A_SCORE = "Pick a score from 1 to 5."


def announce_round(
    sessions: SessionFactory,
    now: datetime,
    match_id: int,
    number: int,
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
class MockRequested:
    outcome: RequestOutcome
    announce_failure: str = ""  # matched, but Slack refused part of the introduction


AWAY_PAUSED = (
    "You are away until {last}, so `/mock` is paused for you. Back sooner? "
    "`/practice me away off`, then `/mock` again."
)


def request_partner(
    sessions: SessionFactory,
    now: datetime,
    team_id: str,
    user_id: str,
    note: str,
    tz_offset_minutes: int,
    *,
    library: Library,
    notifier: MockNotifier,
    expiry: timedelta = MOCK_EXPIRY,
) -> MockRequested:
    """`/mock [note]`: queued, note updated, already in a mock, or matched and introduced.
    Raises MockError when refused."""
    with unit_of_work(sessions) as session:
        if away := prefs_of(session, team_id, user_id).away_at(now):
            raise MockError(AWAY_PAUSED.format(last=away.last.isoformat()))
        outcome = request_mock(
            session, team_id, user_id, note, tz_offset_minutes, now, library=library, expiry=expiry
        )
        session.commit()
    log.info("/mock by %s in %s: %s", user_id, team_id, outcome.status)
    if outcome.status != "matched" or outcome.match_id is None:
        return MockRequested(outcome)
    try:
        announce_round(sessions, now, outcome.match_id, 1, library=library, notifier=notifier)
    except PublishError as exc:
        log.error("could not announce mock %s: %s", outcome.match_id, exc.reason)
        return MockRequested(outcome, exc.reason)
    return MockRequested(outcome)


def status(sessions: SessionFactory, now: datetime, team_id: str, user_id: str) -> MockStatus:
    """`/mock status`: the user's place in the queue, or their live mock and role."""
    with unit_of_work(sessions) as session:
        return mock_status(session, team_id, user_id, now)


def cancel(sessions: SessionFactory, now: datetime, team_id: str, user_id: str) -> bool:
    """`/mock cancel` (and the App Home's "Leave the queue"): False when not waiting."""
    with unit_of_work(sessions) as session:
        left = cancel_mock(session, team_id, user_id, now)
        session.commit()
    return left


@dataclass(frozen=True)
class MockProgress:
    criteria: list[CriterionProgress]
    names: dict[str, str]  # criterion id -> name, in the rubric's order


def progress(
    sessions: SessionFactory, team_id: str, user_id: str, library: Library
) -> MockProgress:
    """`/mock stats`: the user's mean score per criterion as a candidate, and the names."""
    with unit_of_work(sessions) as session:
        found = mock_progress(session, team_id, user_id)
        try:
            # Every criterion, retired ones too: stats span rubric changes.
            rubric = workspace_pack(session, team_id, library).all_criteria()
        except MockError:  # no content installed: criterion ids stand in for names
            rubric = ()
    return MockProgress(found, {c.id: c.name for c in rubric})


def swap(
    sessions: SessionFactory,
    now: datetime,
    match_id: int,
    user_id: str,
    *,
    library: Library,
    notifier: MockNotifier,
) -> str:
    """ "Swap roles": round 2 with the roles reversed, announced. Raises MockError when
    refused; returns why Slack refused part of the announcement ("" when it all went out)."""
    with unit_of_work(sessions) as session:
        number = swap_roles(session, match_id, user_id, now, library=library).round
        session.commit()
    log.info("mock %s: roles swapped by %s", match_id, user_id)
    try:
        announce_round(sessions, now, match_id, number, library=library, notifier=notifier)
    except PublishError as exc:
        log.error("could not announce round %s of mock %s: %s", number, match_id, exc.reason)
        return exc.reason
    return ""


@dataclass(frozen=True)
class RoundForm:
    roles: RoundRoles
    rubric: tuple[Criterion, ...]  # of the round's kind


def round_form(sessions: SessionFactory, match_id: int, number: int, library: Library) -> RoundForm:
    """Who is who in the round, and its rubric, for its two buttons. Raises MockError."""
    with unit_of_work(sessions) as session:
        rnd = get_round(session, match_id, number)
        return RoundForm(roles_of(rnd), mock_rubric(session, match_id, number, library))


@dataclass(frozen=True)
class ScoredRound:
    roles: RoundRoles
    scores: dict[str, int]
    rubric: tuple[Criterion, ...]
    conversation: str | None  # the group DM the scores are posted in


@dataclass(frozen=True)
class ScoresSubmission:
    field_errors: dict[str, str] = field(default_factory=dict)  # nothing saved: shown in the form
    scored: ScoredRound | None = None  # set when saved


def submit_scores(
    sessions: SessionFactory,
    now: datetime,
    match_id: int,
    number: int,
    scorer: str,
    read: Callable[[tuple[Criterion, ...]], dict[str, int]],
    *,
    library: Library,
) -> ScoresSubmission:
    """The interviewer's rubric form (replacing earlier scores): `read(rubric)` gives the
    chosen scores. Raises MockError when the round or its content pack is gone."""
    with unit_of_work(sessions) as session:
        rubric = mock_rubric(session, match_id, number, library)
        scores = read(rubric)
        missing = {c.id: PICK_A_SCORE for c in rubric if c.id not in scores}
        if missing:
            return ScoresSubmission(field_errors=missing)
        try:
            rnd = record_mock_scores(
                session, match_id, number, scorer, scores, now, library=library
            )
        except MockError as exc:
            return ScoresSubmission(field_errors={rubric[0].id: str(exc)})
        scored = ScoredRound(
            roles_of(rnd), scores, rubric, get_match(session, match_id).conversation_id
        )
        session.commit()
    log.info("mock %s round %s scored by %s", match_id, number, scorer)
    return ScoresSubmission(scored=scored)


def submit_rating(
    sessions: SessionFactory,
    now: datetime,
    match_id: int,
    number: int,
    rater: str,
    score: int,
    comment: str | None,
) -> None:
    """The candidate's helpfulness rating of the interviewer (replaces). Raises MockError."""
    with unit_of_work(sessions) as session:
        rate_interviewer(session, match_id, number, rater, score, comment, now)
        session.commit()
    log.info("mock %s round %s: interviewer rated by %s", match_id, number, rater)


@dataclass(frozen=True)
class MockDueWork:
    expired: int
    details: tuple[str, ...]


def expire_due(
    sessions: SessionFactory, now: datetime, *, library: Library, notifier: MockNotifier
) -> MockDueWork:
    """expire-mocks: every waiting request past its time ends, each claimed once and its user
    told by DM after the commit (a DM Slack refuses is not retried); then every round intro or
    guide Slack refused earlier is sent again."""
    with unit_of_work(sessions) as session:
        expired = expire_mocks(session, now)
        session.commit()
    details = [_tell_expired(notifier, request) for request in expired]
    details += _announce_missing(sessions, now, library, notifier)
    return MockDueWork(len(expired), tuple(details))


def _tell_expired(notifier: MockNotifier, request: ExpiredRequest) -> str:
    who = f"{request.team_id} {request.user_id}"
    try:
        notifier.request_expired(request.team_id, request.user_id, request.note)
    except PublishError as exc:
        log.warning("could not tell %s their mock request expired: %s", request.user_id, exc)
        return f"{who}: expired, DM failed {exc.reason}"
    return f"{who}: expired, told"


def _announce_missing(
    sessions: SessionFactory, now: datetime, library: Library, notifier: MockNotifier
) -> list[str]:
    """Rounds whose intro or guide never reached Slack, sent again; one line per round."""
    with unit_of_work(sessions) as session:
        rounds = unannounced_rounds(session, now)
    details = []
    for match_id, number in rounds:
        try:
            sent = announce_round(
                sessions, now, match_id, number, library=library, notifier=notifier
            )
        except PublishError as exc:
            details.append(f"mock {match_id} round {number}: intro failed again {exc.reason}")
            continue
        if sent:
            details.append(f"mock {match_id} round {number}: intro re-sent")
    return details
