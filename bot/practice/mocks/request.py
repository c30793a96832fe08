"""`/mock [note]`: queue the user, then match whoever can be."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import affected, insert_for
from bot.models import (
    MockMatch,
    MockRequest,
)
from bot.practice.channels import ensure_workspace
from bot.practice.mocks.availability import MIN_SLOT, windows_for, working_hours_picks
from bot.practice.mocks.checkins import paused_until
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
    status: Literal["queued", "updated", "matched", "in-match", "paused", "no-windows"]
    request_id: int | None = None
    match_id: int | None = None
    partner_id: str | None = None
    expires_at: datetime | None = None
    paused_until: datetime | None = None  # status "paused": when /mock works again
    source: str = "working-hours"  # how the request said when the member can meet


@dataclass(frozen=True)
class Availability:
    """When the member can meet: their time zone and the modal's picks (None: working hours)."""

    tz: str = "UTC"
    picks: tuple[str, ...] | None = None


def _settle_if_idle(session: Session, match: MockMatch, now: datetime) -> bool:
    """End a live match whose current round has feedback, whose slot is over, or (no slot)
    which has gone idle; True if ended."""
    rnd = current_round(session, match)
    ends = match.slot_end or rnd.started_at + MATCH_IDLE
    if rnd.scored_at is None and now < ends:
        return False
    return affected(
        session,
        update(MockMatch)
        .where(MockMatch.id == match.id, MockMatch.status == "live")
        .values(status="done"),
    )


def _times(availability: Availability, now: datetime) -> dict[str, Any]:
    """The request's time columns: the zone, the picks (working hours when none were made),
    their windows and where they came from."""
    tz = availability.tz
    if availability.picks is None:
        picks, source = working_hours_picks(tz, now), "working-hours"
    else:
        picks, source = list(availability.picks), "modal"
    windows = [list(w) for w in windows_for(picks, tz)]
    return {"tz": tz, "picks": picks, "windows": windows, "source": source}


def _insert_request(
    session: Session,
    team_id: str,
    user_id: str,
    note: str,
    tz_offset_minutes: int,
    now: datetime,
    expiry: timedelta,
    times: dict[str, Any],
) -> None:
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
            **times,
        )
        .on_conflict_do_update(
            index_elements=["team_id", "user_id"],
            index_where=text("status = 'waiting'"),
            set_={"note": note, "tz_offset_minutes": tz_offset_minutes, **times},
        )
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
    availability: Availability | None = None,
    expiry: timedelta = MOCK_EXPIRY,
    slot_length: timedelta = MIN_SLOT,
) -> RequestOutcome:
    """`/mock [note]`: queue the user (or update their note and times), then match whoever
    can be. A user whose live match is still ahead, or whose /mock is paused, is told so."""
    note = note.strip()[:NOTE_LIMIT]
    ensure_workspace(session, team_id, now)
    lock_team(session, team_id)
    until = paused_until(session, team_id, user_id, now)
    if until is not None:
        return RequestOutcome("paused", paused_until=until)
    times = _times(availability or Availability(), now)
    if not times["windows"]:
        return RequestOutcome("no-windows")
    source = str(times["source"])
    live = live_match_for(session, team_id, user_id)
    if live is not None and not _settle_if_idle(session, live, now):
        partner = live.user_b if live.user_a == user_id else live.user_a
        return RequestOutcome("in-match", match_id=live.id, partner_id=partner)
    existing = waiting_row(session, team_id, user_id)
    if existing is not None and existing.expires_at > now:
        existing.note = note
        existing.tz_offset_minutes = tz_offset_minutes
        existing.expires_at = now + expiry
        for key, value in times.items():
            setattr(existing, key, value)
        session.flush()
        found = _match_now(session, team_id, user_id, existing.id, now, library, slot_length)
        return found or RequestOutcome(
            "updated", request_id=existing.id, expires_at=existing.expires_at, source=source
        )
    if existing is not None:  # expired but not yet swept: it ends now, a fresh one starts
        existing.status = "expired"
        session.flush()
    _insert_request(session, team_id, user_id, note, tz_offset_minutes, now, expiry, times)
    request = waiting_row(session, team_id, user_id)
    assert request is not None
    found = _match_now(session, team_id, user_id, request.id, now, library, slot_length)
    return found or RequestOutcome(
        "queued", request_id=request.id, expires_at=request.expires_at, source=source
    )


def _match_now(
    session: Session,
    team_id: str,
    user_id: str,
    request_id: int,
    now: datetime,
    library: Library,
    slot_length: timedelta,
) -> RequestOutcome | None:
    """Match the queue; the user's match if they got one."""
    matches = match_waiting(session, team_id, now, library=library, slot_length=slot_length)
    for match in matches:
        if user_id in (match.user_a, match.user_b):
            partner = match.user_b if match.user_a == user_id else match.user_a
            return RequestOutcome("matched", request_id, match.id, partner)
    return None
