"""Plain data about a match and its rounds, for the notifier and the Block Kit builders (which
run after the unit of work closed and never see an ORM row)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import MockMatch, MockRequest, MockRound


@dataclass(frozen=True)
class Partner:
    user_id: str
    tz: str  # IANA, from users.info when they asked
    note: str = ""
    windows: tuple[tuple[int, int], ...] = ()  # what they gave, UTC epoch seconds


@dataclass(frozen=True)
class MatchView:
    id: int
    team_id: str
    user_a: str
    user_b: str
    conversation_id: str | None
    slot_start: datetime | None
    slot_end: datetime | None
    partners: Mapping[str, Partner] = field(default_factory=dict)

    def partner_of(self, user_id: str) -> str:
        return self.user_b if self.user_a == user_id else self.user_a


@dataclass(frozen=True)
class RoundView:
    match_id: int
    round: int
    candidate_id: str
    interviewer_id: str
    pack_id: str
    prompt: dict[str, Any]


def match_view(session: Session, match: MockMatch) -> MatchView:
    requests = session.scalars(select(MockRequest).where(MockRequest.match_id == match.id))
    partners = {
        r.user_id: Partner(
            r.user_id, r.tz, r.note, tuple((int(a), int(b)) for a, b in r.windows or [])
        )
        for r in requests
    }
    for user in (match.user_a, match.user_b):
        partners.setdefault(user, Partner(user, "UTC"))
    return MatchView(
        match.id,
        match.team_id,
        match.user_a,
        match.user_b,
        match.conversation_id,
        match.slot_start,
        match.slot_end,
        partners,
    )


def round_view(rnd: MockRound) -> RoundView:
    return RoundView(
        rnd.match_id, rnd.round, rnd.candidate_id, rnd.interviewer_id, rnd.pack_id, rnd.prompt
    )
