"""The workspace's queue of /mock requests: who waits, status, cancel, expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.orm import Session

from bot.db import affected, is_postgres
from bot.models import (
    MockMatch,
    MockRequest,
    MockRound,
)
from bot.practice.mocks.availability import nearest_window
from bot.practice.workspaces import installed_team_ids

# How long a request waits for a partner before it expires (with a DM saying so).
MOCK_EXPIRY = timedelta(hours=48)


# A live match whose current round has no feedback stops blocking new requests after this.
MATCH_IDLE = timedelta(hours=48)


NOTE_LIMIT = 500


@dataclass(frozen=True)
class MockRefusal:
    """Why a mock action was refused: a `code` and what its words need (`detail`: a pack id,
    criteria...); `bot/slack/render/mock_refusals.py` says it to the member."""

    code: str
    detail: tuple[tuple[str, str], ...] = ()


class MockError(Exception):
    """A refused mock action; `refusal` says why (a code, worded by the renderer)."""

    def __init__(self, code: str, **detail: str) -> None:
        super().__init__(code, *detail.values())
        self.refusal = MockRefusal(code, tuple(detail.items()))


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
    slot_start: datetime | None = None  # when the live mock is


@dataclass(frozen=True)
class ExpiredRequest:
    team_id: str
    user_id: str
    created_at: datetime
    note: str
    tz: str = "UTC"
    # why nobody was matched: "nobody-else" asked while it waited, or "no-shared-time"
    reason: Literal["nobody-else", "no-shared-time"] = "nobody-else"
    # "no-shared-time": of the times the others gave, the nearest to this request's own
    nearest: tuple[datetime, datetime] | None = None


def lock_team(session: Session, team_id: str) -> None:
    """Serialise queue changes and matching within one workspace until the transaction ends."""
    if is_postgres(session):
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:t))"), {"t": f"mock:{team_id}"}
        )


def waiting(session: Session, team_id: str, now: datetime) -> list[MockRequest]:
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


def teams_waiting(session: Session, now: datetime) -> list[str]:
    """Workspaces where two or more requests wait: the due work matches them again."""
    return list(
        session.scalars(
            select(MockRequest.team_id)
            .where(
                MockRequest.status == "waiting",
                MockRequest.expires_at > now,
                MockRequest.team_id.in_(installed_team_ids()),
            )
            .group_by(MockRequest.team_id)
            .having(func.count() >= 2)
            .order_by(MockRequest.team_id)
        )
    )


def waiting_row(session: Session, team_id: str, user_id: str) -> MockRequest | None:
    return session.scalars(
        select(MockRequest).where(
            MockRequest.team_id == team_id,
            MockRequest.user_id == user_id,
            MockRequest.status == "waiting",
        )
    ).one_or_none()


def last_request(session: Session, team_id: str, user_id: str) -> MockRequest | None:
    """The user's latest request, whatever became of it (it prefills the next one)."""
    return session.scalars(
        select(MockRequest)
        .where(MockRequest.team_id == team_id, MockRequest.user_id == user_id)
        .order_by(MockRequest.created_at.desc(), MockRequest.id.desc())
    ).first()


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


def mock_status(session: Session, team_id: str, user_id: str, now: datetime) -> MockStatus:
    live = live_match_for(session, team_id, user_id)
    if live is not None:
        rnd = current_round(session, live)
        return MockStatus(
            "in-match",
            match_id=live.id,
            partner_id=live.user_b if live.user_a == user_id else live.user_a,
            role="candidate" if rnd.candidate_id == user_id else "interviewer",
            slot_start=live.slot_start,
        )
    queue = waiting(session, team_id, now)
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
    """`/mock cancel`: leave the queue. False when the user was not waiting."""
    lock_team(session, team_id)
    return affected(
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


def expire_mocks(session: Session, now: datetime) -> list[ExpiredRequest]:
    """Expire every waiting request past its time, each claimed once.

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
            .returning(MockRequest.id)
        ).first()
        if row is not None:
            expired.append(_why_expired(session, request_id))
    return expired


def _why_expired(session: Session, request_id: int) -> ExpiredRequest:
    """The expired request, with why: nobody else asked while it waited, or the others who
    did gave no time it shares (and which of their windows came nearest)."""
    request = session.get_one(MockRequest, request_id)
    others = session.scalars(
        select(MockRequest.windows).where(
            MockRequest.team_id == request.team_id,
            MockRequest.user_id != request.user_id,
            MockRequest.created_at < request.expires_at,
            MockRequest.expires_at > request.created_at,
        )
    ).all()
    base = (request.team_id, request.user_id, request.created_at, request.note, request.tz)
    if not others:
        return ExpiredRequest(*base)
    near = nearest_window(request.windows, others, request.created_at)
    nearest = None
    if near is not None:
        nearest = (datetime.fromtimestamp(near[0], UTC), datetime.fromtimestamp(near[1], UTC))
    return ExpiredRequest(*base, reason="no-shared-time", nearest=nearest)
