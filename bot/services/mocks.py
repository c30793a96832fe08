"""`/mock`, one function per use case: the availability form, asking for a partner, status,
cancel, stats, swapping roles, proposing another time, the two feedback forms and the
check-in. The due work (expiry, reminders, check-ins, reveals) is `bot/services/mock_due.py`.

Each takes the session factory (and `now`, when it needs one) first, opens its unit of work
and commits once: the mock domain never commits. Announcing a round claims each part, the
intro and the interviewer's guide, with `claim_then_call`, so no transaction is open while
Slack is called. Results are plain data, rendered by the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.content import Criterion, Library
from bot.db import SessionFactory, read_only, unit_of_work
from bot.practice.members.settings import prefs_of
from bot.practice.mocks.availability import MIN_SLOT, local_days, prefill, working_hours_picks
from bot.practice.mocks.checkins import CheckInResult, record_checkin
from bot.practice.mocks.matching import workspace_pack
from bot.practice.mocks.notices import (
    PAUSED,
    claim_notice,
    claim_reveal,
    release_notice_claim,
    release_reveal,
)
from bot.practice.mocks.queue import (
    MOCK_EXPIRY,
    MockError,
    MockRefusal,
    MockStatus,
    cancel_mock,
    last_request,
    mock_status,
)
from bot.practice.mocks.request import Availability, RequestOutcome, request_mock
from bot.practice.mocks.reschedule import TimeChoice, move_slot, time_choices
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
)
from bot.practice.mocks.stats import MockRecord, mock_record
from bot.practice.mocks.views import MatchView, match_view
from bot.practice.ports import MockNotifier, PublishError
from bot.services.publishing import claim_then_call

log = logging.getLogger(__name__)

PICK_A_SCORE = "Pick a score from 1 to 5."
WORKING_HOURS = Availability()  # `/mock [note]`: UTC working hours unless a zone is given


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
    availability: Availability = WORKING_HOURS,
    expiry: timedelta = MOCK_EXPIRY,
    slot_length: timedelta = MIN_SLOT,
) -> MockRequested:
    """`/mock [note]` or the availability modal: queued, updated, already in a mock, paused,
    or matched and introduced. Raises MockError when refused (an away member: paused)."""
    with unit_of_work(sessions) as session:
        if away := prefs_of(session, team_id, user_id).away_at(now):
            raise MockError("away", last=away.last.isoformat())
        outcome = request_mock(
            session,
            team_id,
            user_id,
            note,
            tz_offset_minutes,
            now,
            library=library,
            availability=availability,
            expiry=expiry,
            slot_length=slot_length,
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


@dataclass(frozen=True)
class AvailabilityForm:
    """What the availability modal shows: the member's next days and what to tick."""

    tz: str
    days: list[date]
    picks: list[str]  # ticked: the last request's, carried onto these days (else working hours)
    note: str


def availability_form(
    sessions: SessionFactory, now: datetime, team_id: str, user_id: str, tz: str
) -> AvailabilityForm:
    """The modal behind `/mock` and the App Home's button, prefilled from the last request."""
    with read_only(sessions) as session:
        last = last_request(session, team_id, user_id)
        previous, note = (list(last.picks or []), last.note) if last is not None else ([], "")
    picks = prefill(previous, tz, now)
    return AvailabilityForm(tz, local_days(tz, now), picks or working_hours_picks(tz, now), note)


def status(sessions: SessionFactory, now: datetime, team_id: str, user_id: str) -> MockStatus:
    """`/mock status`: the user's place in the queue, or their live mock and role."""
    with read_only(sessions) as session:
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
    record: MockRecord


def progress(
    sessions: SessionFactory, team_id: str, user_id: str, library: Library
) -> MockProgress:
    """`/mock stats`: mocks held, show rate, partners, scores over time, and the mean score
    per criterion as a candidate (revealed rounds only) with the criteria's names."""
    with read_only(sessions) as session:
        found = mock_progress(session, team_id, user_id)
        record = mock_record(session, team_id, user_id)
        try:
            # Every criterion, retired ones too: stats span rubric changes.
            rubric = workspace_pack(session, team_id, library).all_criteria()
        except MockError:  # no content installed: criterion ids stand in for names
            rubric = ()
    return MockProgress(found, {c.id: c.name for c in rubric}, record)


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
    with read_only(sessions) as session:
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
    refused: MockRefusal | None = None  # nothing saved: why, shown under `refused_field`
    refused_field: str = ""


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
            return ScoresSubmission(refused=exc.refusal, refused_field=rubric[0].id)
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


def reveal_round(
    sessions: SessionFactory,
    now: datetime,
    match_id: int,
    number: int,
    *,
    library: Library,
    notifier: MockNotifier,
) -> bool:
    """Show the round's feedback both ways in the group DM, once, if both have given theirs
    (or its time came). True when shown now. Raises PublishError (the claim is released)."""
    shown = claim_then_call(
        sessions,
        lambda session: claim_reveal(session, match_id, number, now, library),
        notifier.post_reveal,
        release=lambda session, reveal, _exc: release_reveal(session, reveal),
        release_on=PublishError,
    )
    return shown is not None


def check_in(
    sessions: SessionFactory,
    now: datetime,
    match_id: int,
    user_id: str,
    outcome: str,
    *,
    notifier: MockNotifier,
) -> CheckInResult:
    """An answer to "Did it happen?"; a second no-show pauses the person, who is told once by
    DM, after the commit. Raises MockError when refused."""
    with unit_of_work(sessions) as session:
        result = record_checkin(session, match_id, user_id, outcome, now)
        session.commit()
    log.info("mock %s check-in by %s: %s", match_id, user_id, outcome)
    pause = result.pause
    if pause is not None:
        log.info("mock: %s paused until %s (no-shows)", pause.user_id, pause.until)
        try:
            claim_then_call(
                sessions,
                lambda session: claim_notice(
                    session, pause.match_id, pause.user_id, PAUSED, now, until=pause.until
                ),
                notifier.send_notice,
                release=lambda session, notice, _exc: release_notice_claim(session, notice),
                release_on=PublishError,
            )
        except PublishError as exc:  # /mock says it too, whenever they try
            log.warning("could not tell %s about their pause: %s", pause.user_id, exc.reason)
    return result


def other_times(
    sessions: SessionFactory, now: datetime, match_id: int, user_id: str, slot: timedelta = MIN_SLOT
) -> list[TimeChoice]:
    """ "Propose another time": the slots both partners gave, from now on. Raises MockError."""
    with read_only(sessions) as session:
        return time_choices(session, match_id, user_id, now, slot)


@dataclass(frozen=True)
class Moved:
    choice: TimeChoice
    conversation: str | None  # the group DM to tell
    match: MatchView


def propose_time(
    sessions: SessionFactory,
    now: datetime,
    match_id: int,
    user_id: str,
    start: datetime,
    slot: timedelta = MIN_SLOT,
) -> Moved:
    """Move the match to another slot both gave; its reminders start over. Raises MockError."""
    with unit_of_work(sessions) as session:
        choice = move_slot(session, match_id, user_id, start, now, slot)
        view = match_view(session, get_match(session, match_id))
        session.commit()
    log.info("mock %s moved by %s to %s", match_id, user_id, choice.start)
    return Moved(choice, view.conversation_id, view)
