"""`/mock [note]`: queue the user, then match whoever can be."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import affected, insert_for
from bot.models import (
    MockMatch,
    MockRequest,
)
from bot.practice.channels import ensure_workspace
from bot.practice.mocks.matching import match_waiting
from bot.practice.mocks.queue import (
    MATCH_IDLE,
    MOCK_EXPIRY,
    NOTE_LIMIT,
    current_round,
    live_match_for,
    lock_team,
    waiting_row,
)


@dataclass(frozen=True)
class RequestOutcome:
    status: Literal["queued", "updated", "matched", "in-match"]
    request_id: int | None = None
    match_id: int | None = None
    partner_id: str | None = None
    expires_at: datetime | None = None


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

    A user whose live match still has a round in progress is told so instead.
    """
    note = note.strip()[:NOTE_LIMIT]
    ensure_workspace(session, team_id, now)
    lock_team(session, team_id)
    live = live_match_for(session, team_id, user_id)
    if live is not None and not _settle_if_idle(session, live, now):
        partner = live.user_b if live.user_a == user_id else live.user_a
        return RequestOutcome("in-match", match_id=live.id, partner_id=partner)
    existing = waiting_row(session, team_id, user_id)
    if existing is not None and existing.expires_at > now:
        existing.note = note
        existing.tz_offset_minutes = tz_offset_minutes
        existing.expires_at = now + expiry
        session.flush()
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
    request = waiting_row(session, team_id, user_id)
    assert request is not None
    matches = match_waiting(session, team_id, now, library=library)
    for match in matches:
        if user_id in (match.user_a, match.user_b):
            partner = match.user_b if match.user_a == user_id else match.user_a
            return RequestOutcome("matched", request.id, match.id, partner)
    return RequestOutcome("queued", request_id=request.id, expires_at=request.expires_at)
