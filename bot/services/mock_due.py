"""The mock due work (`practice-bot job expire-mocks`, every scheduler tick): match the queues
again (pairs who met before become possible after a wait), expire requests past their time
and tell each owner why, send the reminders and check-ins that are due, reveal feedback whose
time came, and re-send intros Slack refused. Each DM is claimed once before Slack is called.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import SessionFactory, read_only, unit_of_work
from bot.practice.mocks.availability import MIN_SLOT
from bot.practice.mocks.matching import match_waiting
from bot.practice.mocks.notices import (
    MatchNotice,
    claim_notice,
    due_notices,
    release_notice_claim,
    unrevealed_rounds,
)
from bot.practice.mocks.queue import ExpiredRequest, MockError, expire_mocks, teams_waiting
from bot.practice.mocks.rounds import unannounced_rounds
from bot.practice.ports import MockNotifier, PublishError
from bot.services.mocks import announce_round, reveal_round
from bot.services.publishing import claim_then_call

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MockDueWork:
    done: int
    details: tuple[str, ...]


def expire_due(
    sessions: SessionFactory,
    now: datetime,
    *,
    library: Library,
    notifier: MockNotifier,
    slot_length: timedelta | None = None,
) -> MockDueWork:
    """Everything about mocks that is due at `now`; one detail line per thing done.
    `slot_length`: MOCK_SLOT_MINUTES, or None for the domain's `MIN_SLOT`."""
    details = _match_queues(sessions, now, library, notifier, slot_length or MIN_SLOT)
    with unit_of_work(sessions) as session:
        expired = expire_mocks(session, now)
        session.commit()
    details += [_tell_expired(notifier, request) for request in expired]
    details += _send_notices(sessions, now, notifier)
    details += _reveal_due(sessions, now, library, notifier)
    details += _announce_missing(sessions, now, library, notifier)
    return MockDueWork(len(details), tuple(details))


def _match_queues(
    sessions: SessionFactory,
    now: datetime,
    library: Library,
    notifier: MockNotifier,
    slot_length: timedelta,
) -> list[str]:
    with read_only(sessions) as session:
        teams = teams_waiting(session, now)
    details = []
    for team_id in teams:
        try:
            with unit_of_work(sessions) as session:
                made = [
                    (m.id, m.user_a, m.user_b)
                    for m in match_waiting(
                        session, team_id, now, library=library, slot_length=slot_length
                    )
                ]
                session.commit()
        except MockError as exc:  # no content pack installed: nothing to match on
            log.warning("could not match the mock queue of %s: %s", team_id, exc)
            continue
        for match_id, a, b in made:
            try:
                announce_round(sessions, now, match_id, 1, library=library, notifier=notifier)
            except PublishError as exc:  # re-sent below, a minute later at the earliest
                log.error("could not announce mock %s: %s", match_id, exc.reason)
            details.append(f"mock {match_id}: {a} and {b} matched")
    return details


def _tell_expired(notifier: MockNotifier, request: ExpiredRequest) -> str:
    who = f"{request.team_id} {request.user_id}"
    try:
        notifier.request_expired(request)
    except PublishError as exc:
        log.warning("could not tell %s their mock request expired: %s", request.user_id, exc)
        return f"{who}: expired ({request.reason}), DM failed {exc.reason}"
    return f"{who}: expired ({request.reason}), told"


def _send_notices(sessions: SessionFactory, now: datetime, notifier: MockNotifier) -> list[str]:
    """Reminders and check-ins due now, each claimed once (a refused one is tried again)."""
    with read_only(sessions) as session:
        due = due_notices(session, now)
    details = []
    for match_id, user_id, kind in due:
        try:
            sent = claim_then_call(
                sessions,
                _claimer(match_id, user_id, kind, now),
                notifier.send_notice,
                release=lambda session, notice, _exc: release_notice_claim(session, notice),
                release_on=PublishError,
            )
        except PublishError as exc:
            details.append(f"mock {match_id} {kind} to {user_id}: failed {exc.reason}")
            continue
        if sent is not None:
            details.append(f"mock {match_id} {kind} to {user_id}: sent")
    return details


def _claimer(
    match_id: int, user_id: str, kind: str, now: datetime
) -> Callable[[Session], MatchNotice | None]:
    return lambda session: claim_notice(session, match_id, user_id, kind, now)


def _reveal_due(
    sessions: SessionFactory, now: datetime, library: Library, notifier: MockNotifier
) -> list[str]:
    with read_only(sessions) as session:
        rounds = unrevealed_rounds(session, now)
    details = []
    for match_id, number in rounds:
        try:
            shown = reveal_round(
                sessions, now, match_id, number, library=library, notifier=notifier
            )
        except PublishError as exc:
            details.append(f"mock {match_id} round {number}: reveal failed {exc.reason}")
            continue
        if shown:
            details.append(f"mock {match_id} round {number}: feedback revealed")
    return details


def _announce_missing(
    sessions: SessionFactory, now: datetime, library: Library, notifier: MockNotifier
) -> list[str]:
    """Rounds whose intro or guide never reached Slack, sent again; one line per round."""
    with read_only(sessions) as session:
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
