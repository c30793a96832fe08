""" "Propose another time": the slots both partners gave, and moving the match to one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.models import MockMatch, MockNotice, MockRequest
from bot.practice.mocks.availability import LEAD, merge
from bot.practice.mocks.notices import REMINDERS
from bot.practice.mocks.queue import MockError

STEP = 30 * 60  # choices start on the hour and the half hour
MAX_CHOICES = 100  # a select menu's limit


@dataclass(frozen=True)
class TimeChoice:
    start: datetime
    end: datetime


def _match_for(session: Session, match_id: int, user_id: str) -> MockMatch:
    match = session.get(MockMatch, match_id)
    if match is None:
        raise MockError("mock-gone")
    if user_id not in (match.user_a, match.user_b):
        raise MockError("not-in-mock-move")
    return match


def time_choices(
    session: Session, match_id: int, user_id: str, now: datetime, slot: timedelta
) -> list[TimeChoice]:
    """Every slot of `slot` within the times both gave, from an hour from now."""
    match = _match_for(session, match_id, user_id)
    given = [
        [tuple(w) for w in windows]
        for windows in session.scalars(
            select(MockRequest.windows).where(MockRequest.match_id == match.id)
        )
    ]
    if len(given) != 2:
        return []
    shared = merge(
        (max(a0, b0), min(a1, b1))
        for a0, a1 in given[0]
        for b0, b1 in given[1]
        if max(a0, b0) < min(a1, b1)
    )
    earliest = int((now + LEAD).timestamp())
    length = int(slot.total_seconds())
    choices: list[TimeChoice] = []
    for start, end in shared:
        begin = max(-(-start // STEP) * STEP, -(-earliest // STEP) * STEP)
        while begin + length <= end and len(choices) < MAX_CHOICES:
            first = datetime.fromtimestamp(begin, UTC)
            choices.append(TimeChoice(first, first + slot))
            begin += STEP
    return choices


def move_slot(
    session: Session, match_id: int, user_id: str, start: datetime, now: datetime, slot: timedelta
) -> TimeChoice:
    """Move the match to `start`, one of `time_choices`; its reminders are owed again."""
    choices = {c.start: c for c in time_choices(session, match_id, user_id, now, slot)}
    choice = choices.get(start)
    if choice is None:
        raise MockError("slot-gone")
    match = _match_for(session, match_id, user_id)
    if match.status != "live":
        raise MockError("ended")
    match.slot_start, match.slot_end = choice.start, choice.end
    session.execute(
        delete(MockNotice).where(
            MockNotice.match_id == match.id, MockNotice.kind.in_(list(REMINDERS))
        )
    )
    session.flush()
    return choice
