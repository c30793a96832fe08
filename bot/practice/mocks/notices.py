"""What a match owes its partners over time, each once: reminders before the slot, "Did it
happen?" after it, the pause notice, and the feedback revealed both ways (docs/mock.md).

Every DM about a match to one person is claimed in `mock_notices` before Slack is called
(`claim_notice`), so a restart or a second process never sends it twice; a refused DM is
released and tried again on the next tick. `delivery_time` is the one place that decides
whether and when such a DM may go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import insert_for
from bot.models import MockCheckIn, MockMatch, MockNotice, MockRating, MockRound, MockScore
from bot.practice.mocks.views import MatchView, RoundView, match_view, round_view
from bot.practice.workspaces import installed_team_ids

REMIND_DAY = "remind-24h"
REMIND_SOON = "remind-15m"
REMINDERS = {REMIND_DAY: timedelta(hours=24), REMIND_SOON: timedelta(minutes=15)}
CHECK_IN = "check-in"
PAUSED = "paused"
# "Did it happen?" goes this long after the slot ends, and is not sent once this stale.
CHECK_IN_AFTER = timedelta(minutes=15)
CHECK_IN_UNTIL = timedelta(days=3)
# Feedback both ways is shown when both gave theirs, or this long after the slot.
REVEAL_AFTER = timedelta(hours=48)


@dataclass(frozen=True)
class MatchNotice:
    kind: str  # REMIND_DAY, REMIND_SOON, CHECK_IN, PAUSED
    user_id: str
    match: MatchView
    until: datetime | None = None  # PAUSED: when /mock works again


def delivery_time(
    session: Session, team_id: str, user_id: str, kind: str, due: datetime, now: datetime
) -> datetime | None:
    """When a DM of `kind` due at `due` may go to the user; None: it is not sent at all.

    The one decision point for a person's reminder setting and quiet hours (issue 25 adds
    them here: a quiet-hours DM waits until they end, a declined reminder returns None).
    Today every DM goes when due.
    """
    return due


def _due(match: MockMatch, kind: str) -> datetime | None:
    if match.slot_start is None or match.slot_end is None:
        return None
    if kind in REMINDERS:
        return match.slot_start - REMINDERS[kind]
    return match.slot_end + CHECK_IN_AFTER


def _still_wanted(
    match: MockMatch, kind: str, due: datetime, now: datetime, answered: bool
) -> bool:
    assert match.slot_start is not None and match.slot_end is not None
    if kind in REMINDERS:
        # Not once the slot began or the match ended; nor when it was due before the match
        # existed (the intro said when).
        return match.status == "live" and now < match.slot_start and due >= match.created_at
    return not answered and now < match.slot_end + CHECK_IN_UNTIL


def due_notices(session: Session, now: datetime) -> list[tuple[int, str, str]]:
    """(match id, user, kind) of every reminder and check-in due now and not yet claimed."""
    matches = session.scalars(
        select(MockMatch).where(
            MockMatch.slot_end > now - CHECK_IN_UNTIL,
            MockMatch.slot_start <= now + REMINDERS[REMIND_DAY],
            MockMatch.team_id.in_(installed_team_ids()),
        )
    ).all()
    ids = [m.id for m in matches]
    claimed = {
        (m, u, k)
        for m, u, k in session.execute(
            select(MockNotice.match_id, MockNotice.user_id, MockNotice.kind).where(
                MockNotice.match_id.in_(ids)
            )
        )
    }
    answered = {
        (m, u)
        for m, u in session.execute(
            select(MockCheckIn.match_id, MockCheckIn.user_id).where(MockCheckIn.match_id.in_(ids))
        )
    }
    due_now = []
    for match in sorted(matches, key=lambda m: m.id):
        for kind in (REMIND_DAY, REMIND_SOON, CHECK_IN):
            due = _due(match, kind)
            for user in (match.user_a, match.user_b):
                if due is None or (match.id, user, kind) in claimed:
                    continue
                if not _still_wanted(match, kind, due, now, (match.id, user) in answered):
                    continue
                when = delivery_time(session, match.team_id, user, kind, due, now)
                if when is not None and when <= now:
                    due_now.append((match.id, user, kind))
    return due_now


def claim_notice(
    session: Session,
    match_id: int,
    user_id: str,
    kind: str,
    now: datetime,
    *,
    until: datetime | None = None,
) -> MatchNotice | None:
    """Claim sending this DM (None: it was claimed before, by anyone)."""
    insert = insert_for(session)
    claimed = session.execute(
        insert(MockNotice)
        .values(match_id=match_id, user_id=user_id, kind=kind, claimed_at=now)
        .on_conflict_do_nothing()
        .returning(MockNotice.kind)
    ).first()
    if claimed is None:
        return None
    match = session.get_one(MockMatch, match_id)
    return MatchNotice(kind, user_id, match_view(session, match), until)


def release_notice_claim(session: Session, notice: MatchNotice) -> None:
    """Slack refused the DM: unclaimed, so the next tick sends it again."""
    session.execute(
        delete(MockNotice).where(
            MockNotice.match_id == notice.match.id,
            MockNotice.user_id == notice.user_id,
            MockNotice.kind == notice.kind,
        )
    )


@dataclass(frozen=True)
class Reveal:
    """A round's feedback both ways, shown to both at once."""

    match: MatchView
    round: RoundView
    scores: dict[str, int]  # criterion id -> the interviewer's score (empty: none given)
    names: dict[str, str]  # criterion id -> name
    rating: int | None  # the candidate's rating of the interviewer
    comment: str | None


def _feedback(session: Session, match_id: int, number: int) -> tuple[dict[str, int], Any]:
    scores = {
        criterion: score
        for criterion, score in session.execute(
            select(MockScore.criterion, MockScore.score)
            .where(MockScore.match_id == match_id, MockScore.round == number)
            .order_by(MockScore.id)
        )
    }
    rating = session.execute(
        select(MockRating.score, MockRating.comment).where(
            MockRating.match_id == match_id, MockRating.round == number
        )
    ).first()
    return scores, rating


def reveal_due_at(match: MockMatch, rnd: MockRound) -> datetime:
    return (match.slot_end or rnd.started_at) + REVEAL_AFTER


def claim_reveal(
    session: Session, match_id: int, number: int, now: datetime, library: Library
) -> Reveal | None:
    """Claim showing the round's feedback when both gave theirs or its time came (None: not
    yet, nothing to show, or shown before)."""
    rnd = session.scalars(
        select(MockRound).where(MockRound.match_id == match_id, MockRound.round == number)
    ).one_or_none()
    if rnd is None or rnd.revealed_at is not None:
        return None
    match = session.get_one(MockMatch, match_id)
    scores, rating = _feedback(session, match_id, number)
    both = bool(scores) and rating is not None
    if not both and (now < reveal_due_at(match, rnd) or not (scores or rating)):
        return None
    claimed = session.execute(
        update(MockRound)
        .where(MockRound.id == rnd.id, MockRound.revealed_at.is_(None))
        .values(revealed_at=now)
        .returning(MockRound.id)
    ).first()
    if claimed is None:
        return None
    pack = library.pack(rnd.pack_id)
    names = {c.id: c.name for c in pack.all_criteria()} if pack is not None else {}
    return Reveal(
        match_view(session, match),
        round_view(rnd),
        scores,
        names,
        rating[0] if rating else None,
        rating[1] if rating else None,
    )


def release_reveal(session: Session, reveal: Reveal) -> None:
    session.execute(
        update(MockRound)
        .where(MockRound.match_id == reveal.round.match_id, MockRound.round == reveal.round.round)
        .values(revealed_at=None)
    )


def unrevealed_rounds(session: Session, now: datetime) -> list[tuple[int, int]]:
    """(match id, round) of rounds with feedback not yet shown whose reveal may be due."""
    rated = select(MockRating.id).where(
        MockRating.match_id == MockRound.match_id, MockRating.round == MockRound.round
    )
    rows = session.execute(
        select(MockRound.match_id, MockRound.round)
        .join(MockMatch, MockMatch.id == MockRound.match_id)
        .where(
            MockRound.revealed_at.is_(None),
            or_(MockRound.scored_at.is_not(None), rated.exists()),
            or_(
                and_(MockRound.scored_at.is_not(None), rated.exists()),
                MockRound.started_at <= now - REVEAL_AFTER,
                MockMatch.slot_end <= now - REVEAL_AFTER,
            ),
            MockMatch.team_id.in_(installed_team_ids()),
        )
        .order_by(MockRound.match_id, MockRound.round)
    )
    return [(m, r) for m, r in rows]
