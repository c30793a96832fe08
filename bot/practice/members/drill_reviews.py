"""The review of a drill answer the author asked for: the reviewer's brief (claimed once),
their scores on the prompt's applicable criteria, and the author's scores back (once).

The reviewer has `DRILL_REVIEW_HOURS` from the request; scoring again before then replaces
the scores (the author is told once, at the first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.content import Criterion, Library, Prompt
from bot.db import affected
from bot.models import DrillAnswer

DRILL_REVIEW_HOURS = 48
MAX_COMMENT = 3000
MAX_CHALLENGE_CHARS = 3000


@dataclass(frozen=True)
class DrillBrief:
    """What the reviewer sees: the prompt (with its key), the answer and the criteria."""

    drill_id: int
    team_id: str
    reviewer_id: str
    author_id: str
    prompt: Prompt
    answer: str
    criteria: tuple[Criterion, ...]
    closes_at: datetime
    scores: dict[str, int]


@dataclass(frozen=True)
class DrillResult:
    """The author's DM: the reviewer's scores and comment."""

    drill_id: int
    team_id: str
    author_id: str
    reviewer_id: str
    prompt_title: str
    scores: tuple[tuple[str, int], ...]  # (criterion name, score), in rubric order
    comment: str


@dataclass(frozen=True)
class DrillChallenge:
    """The reviewer's challenge, for the author's drill thread."""

    drill_id: int
    team_id: str
    author_id: str
    reviewer_id: str
    channel_id: str  # the author's DM with the bot
    thread_ts: str  # the drill's DM
    text: str


@dataclass(frozen=True)
class DrillChallenged:
    challenge: DrillChallenge | None = None
    refusal: str = ""
    field_error: str = ""


@dataclass(frozen=True)
class DrillScored:
    brief: DrillBrief | None = None
    refusal: str = ""
    field_errors: dict[str, str] | None = None
    result: DrillResult | None = None  # the first scores: the author is to be told


def _brief(row: DrillAnswer, library: Library) -> DrillBrief | None:
    pack = library.pack(row.pack_id)
    prompt = pack.prompt(row.prompt_id) if pack else None
    if pack is None or prompt is None or row.reviewer_id is None or row.review_asked_at is None:
        return None
    return DrillBrief(
        row.id,
        row.team_id,
        row.reviewer_id,
        row.user_id,
        prompt,
        row.text,
        pack.criteria_for(prompt),
        row.review_asked_at + timedelta(hours=DRILL_REVIEW_HOURS),
        dict(row.scores or {}),
    )


def claim_drill_brief(
    session: Session, drill_id: int, now: datetime, library: Library
) -> DrillBrief | None:
    """The reviewer's brief, claimed once; None when taken, or when the prompt is gone."""
    row = session.get(DrillAnswer, drill_id)
    brief = _brief(row, library) if row is not None else None
    if brief is None:
        return None
    taken = affected(
        session,
        update(DrillAnswer)
        .where(DrillAnswer.id == drill_id, DrillAnswer.brief_sent_at.is_(None))
        .values(brief_sent_at=now),
    )
    return brief if taken else None


def release_drill_brief(session: Session, drill_id: int) -> None:
    session.execute(
        update(DrillAnswer).where(DrillAnswer.id == drill_id).values(brief_sent_at=None)
    )


def open_drill_review(
    session: Session, drill_id: int, user_id: str, now: datetime, library: Library
) -> DrillBrief | str:
    """The brief for the reviewer's Score button, or why not."""
    row = session.get(DrillAnswer, drill_id)
    brief = _brief(row, library) if row is not None else None
    if brief is None or brief.reviewer_id != user_id:
        return "That button no longer works. Nothing was changed."
    if now >= brief.closes_at:
        return (
            f"This drill review closed {DRILL_REVIEW_HOURS} hours after it was asked for. "
            "Thank you all the same."
        )
    return brief


def score_drill(
    session: Session,
    drill_id: int,
    user_id: str,
    scores: dict[str, int | None],
    comment: str,
    now: datetime,
    library: Library,
) -> DrillScored:
    """Keep the reviewer's scores (every applicable criterion, 1-5); the first time, claim
    the author's DM."""
    opened = open_drill_review(session, drill_id, user_id, now, library)
    if isinstance(opened, str):
        return DrillScored(refusal=opened)
    missing = {
        c.id: "Please choose a score."
        for c in opened.criteria
        if scores.get(c.id) not in range(1, 6)
    }
    if missing:
        return DrillScored(field_errors=missing)
    kept = {c.id: int(scores[c.id] or 0) for c in opened.criteria}
    session.execute(
        update(DrillAnswer)
        .where(DrillAnswer.id == drill_id)
        .values(scores=kept, comment=comment.strip()[:MAX_COMMENT] or None, scored_at=now)
    )
    first = affected(
        session,
        update(DrillAnswer)
        .where(DrillAnswer.id == drill_id, DrillAnswer.result_sent_at.is_(None))
        .values(result_sent_at=now),
    )
    result = DrillResult(
        drill_id,
        opened.team_id,
        opened.author_id,
        user_id,
        opened.prompt.title,
        tuple((c.name, kept[c.id]) for c in opened.criteria),
        comment.strip()[:MAX_COMMENT],
    )
    return DrillScored(brief=opened, result=result if first else None)


def release_drill_result(session: Session, drill_id: int) -> None:
    """The author's DM could not go: the next scoring tells them."""
    session.execute(
        update(DrillAnswer).where(DrillAnswer.id == drill_id).values(result_sent_at=None)
    )


def unsent_drill_briefs(session: Session, now: datetime) -> list[int]:
    """Drill reviews asked for whose brief has not gone and whose time is not up."""
    return list(
        session.scalars(
            select(DrillAnswer.id)
            .where(
                DrillAnswer.reviewer_id.is_not(None),
                DrillAnswer.brief_sent_at.is_(None),
                DrillAnswer.review_asked_at > now - timedelta(hours=DRILL_REVIEW_HOURS),
            )
            .order_by(DrillAnswer.id)
        )
    )


def challenge_drill(
    session: Session, drill_id: int, user_id: str, text: str, now: datetime, library: Library
) -> DrillChallenged:
    """The reviewer's one challenge, claimed before it is sent to the author's drill thread."""
    opened = open_drill_review(session, drill_id, user_id, now, library)
    if isinstance(opened, str):
        return DrillChallenged(refusal=opened)
    text = text.strip()
    if not text:
        return DrillChallenged(field_error="Please write your challenge.")
    if len(text) > MAX_CHALLENGE_CHARS:
        return DrillChallenged(field_error=f"At most {MAX_CHALLENGE_CHARS} characters, please.")
    taken = affected(
        session,
        update(DrillAnswer)
        .where(DrillAnswer.id == drill_id, DrillAnswer.challenged_at.is_(None))
        .values(challenge=text, challenged_at=now),
    )
    if not taken:
        return DrillChallenged(refusal="You have already challenged this drill answer.")
    row = session.get(DrillAnswer, drill_id)
    assert row is not None
    challenge = DrillChallenge(
        drill_id, row.team_id, row.user_id, user_id, row.channel_id, row.thread_ts, text
    )
    return DrillChallenged(challenge=challenge)


def release_drill_challenge(session: Session, drill_id: int) -> None:
    """Not delivered: the reviewer may send it again."""
    session.execute(
        update(DrillAnswer)
        .where(DrillAnswer.id == drill_id)
        .values(challenge=None, challenged_at=None)
    )
