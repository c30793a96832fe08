"""After the slot: "Did it happen?", the outcomes, and the no-show rule (docs/mock.md).

Each side answers once (a second answer replaces the first). A person did not show in a
match when they said "I could not make it", or their partner said "They did not show" and
they did not say it happened (a dispute counts for nobody). Every no-show puts the partner at
the front of the queue; a second no-show within `NO_SHOW_WINDOW` pauses the person's /mock
for `PAUSE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.db import insert_for
from bot.models import MockCheckIn, MockMatch, MockRequest, MockStanding
from bot.practice.mocks.queue import MockError

OUTCOMES = ("happened", "moved", "partner-no-show", "could-not-make-it")
HELD = ("happened",)
NO_SHOW_WINDOW = timedelta(days=30)
NO_SHOWS_TO_PAUSE = 2
PAUSE = timedelta(days=14)


@dataclass(frozen=True)
class Pause:
    user_id: str
    until: datetime
    match_id: int  # the match whose no-show paused them


@dataclass(frozen=True)
class CheckInResult:
    match_id: int
    user_id: str
    partner_id: str
    outcome: str
    no_show: str | None = None  # who did not show, by this answer
    pause: Pause | None = None  # set when this answer paused someone


def paused_until(session: Session, team_id: str, user_id: str, now: datetime) -> datetime | None:
    until = session.scalar(
        select(MockStanding.paused_until).where(
            MockStanding.team_id == team_id, MockStanding.user_id == user_id
        )
    )
    return until if until is not None and until > now else None


def _answers(session: Session, match_id: int) -> dict[str, str]:
    return dict(
        session.execute(
            select(MockCheckIn.user_id, MockCheckIn.outcome).where(MockCheckIn.match_id == match_id)
        ).all()
    )


def absent_in(answers: dict[str, str], users: tuple[str, str]) -> str | None:
    """Who did not show in a match with these answers (None: nobody, or a dispute)."""
    for user in users:
        partner = users[1] if user == users[0] else users[0]
        if answers.get(user) == "could-not-make-it":
            return user
        if answers.get(partner) == "partner-no-show" and answers.get(user) not in (
            "happened",
            "moved",
        ):
            return user
    return None


def no_show_count(session: Session, team_id: str, user_id: str, now: datetime) -> int:
    """The user's no-shows in matches whose slot began within NO_SHOW_WINDOW."""
    matches = session.execute(
        select(MockMatch.id, MockMatch.user_a, MockMatch.user_b).where(
            MockMatch.team_id == team_id,
            or_(MockMatch.user_a == user_id, MockMatch.user_b == user_id),
            MockMatch.slot_start >= now - NO_SHOW_WINDOW,
        )
    ).all()
    return sum(
        1 for match_id, a, b in matches if absent_in(_answers(session, match_id), (a, b)) == user_id
    )


def _standing(session: Session, team_id: str, user_id: str, **values: object) -> None:
    insert = insert_for(session)
    session.execute(
        insert(MockStanding)
        .values(team_id=team_id, user_id=user_id, **{"front_of_queue": False, **values})
        .on_conflict_do_update(index_elements=["team_id", "user_id"], set_=values)
    )


def record_checkin(
    session: Session, match_id: int, user_id: str, outcome: str, now: datetime
) -> CheckInResult:
    """Store one side's answer; apply the no-show rule. Raises MockError when refused."""
    match = session.get(MockMatch, match_id)
    if match is None:
        raise MockError("mock-gone")
    if user_id not in (match.user_a, match.user_b):
        raise MockError("not-in-mock-checkin")
    if outcome not in OUTCOMES:
        raise MockError("unknown-checkin")
    partner = match.user_b if match.user_a == user_id else match.user_a
    insert = insert_for(session)
    session.execute(
        insert(MockCheckIn)
        .values(match_id=match_id, user_id=user_id, outcome=outcome, created_at=now)
        .on_conflict_do_update(
            index_elements=["match_id", "user_id"], set_={"outcome": outcome, "created_at": now}
        )
    )
    session.execute(
        update(MockMatch)
        .where(MockMatch.id == match_id, MockMatch.status == "live")
        .values(status="done")
    )
    absent = absent_in(_answers(session, match_id), (match.user_a, match.user_b))
    if absent is None:
        return CheckInResult(match_id, user_id, partner, outcome)
    present = match.user_b if absent == match.user_a else match.user_a
    _standing(session, match.team_id, present, front_of_queue=True)
    pause = None
    if (
        no_show_count(session, match.team_id, absent, now) >= NO_SHOWS_TO_PAUSE
        and paused_until(session, match.team_id, absent, now) is None
    ):
        pause = Pause(absent, now + PAUSE, match_id)
        _standing(session, match.team_id, absent, paused_until=pause.until)
        session.execute(
            update(MockRequest)
            .where(
                MockRequest.team_id == match.team_id,
                MockRequest.user_id == absent,
                MockRequest.status == "waiting",
            )
            .values(status="cancelled")
        )
    return CheckInResult(match_id, user_id, partner, outcome, absent, pause)
