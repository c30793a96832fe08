"""The thread's notes, each posted once and retried until Slack takes it (as prompts are).

Two notes go in a prompt's thread: "short" (some answers got fewer reviewers than the channel
asks for) after assigning, and "notes" (what strong answers did) at the close. Each is claimed
in `thread_notices` with `bot/practice/claims.py` before Slack is called; a Slack failure
releases the claim, so the next run of the job posts it, and a claim whose process died
mid-call is taken over after the claims' lease. Posts are looked at for `RETRY_WINDOW` after
their assignment or close, so a long outage still gets its notes, and old posts never do.

Steps that never commit: `bot/services/review_window.py` claims, calls Slack and stores or
releases, each in its own unit of work (`claim_then_call`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.models import PromptPost, ReviewAssignment, ThreadNotice
from bot.practice.claims import claim, held, mark_quiet
from bot.practice.reviews.notices import ShortNotice, post_ref
from bot.practice.reviews.queries import counted_answers, posts_query

RETRY_WINDOW = timedelta(hours=24)
SHORT = "short"
NOTES = "notes"


def claim_note(session: Session, post_id: int, kind: str, now: datetime) -> bool:
    """Claim the post's `kind` note; False when it is posted or another process holds it."""
    key = {"post_id": post_id, "kind": kind}
    return claim(session, ThreadNotice, key, {"claimed_at": now}, now) is not None


def _mine(post_id: int, kind: str) -> ColumnElement[bool]:
    return and_(
        ThreadNotice.post_id == post_id,
        ThreadNotice.kind == kind,
        ThreadNotice.message_ts.is_(None),
    )


def mark_no_note(session: Session, post_id: int, kind: str, now: datetime) -> None:
    """The post needs no `kind` note (none short of reviewers, or nothing to say at the
    close): marked, so that the every-minute tick stops making it for the retry window."""
    mark_quiet(session, ThreadNotice, {"post_id": post_id, "kind": kind}, now)


def note_posted(session: Session, post_id: int, kind: str, ts: str, now: datetime) -> None:
    session.execute(
        update(ThreadNotice).where(_mine(post_id, kind)).values(message_ts=ts, posted_at=now)
    )


def release_note(session: Session, post_id: int, kind: str) -> None:
    """Slack refused it: the next run of the job posts it."""
    session.execute(delete(ThreadNotice).where(_mine(post_id, kind)))


def _unnoticed(kind: str, now: datetime) -> ColumnElement[bool]:
    """Posts without a posted (or freshly claimed) note of `kind`."""
    return ~PromptPost.id.in_(
        select(ThreadNotice.post_id).where(ThreadNotice.kind == kind, held(ThreadNotice, now))
    )


def _owing(
    session: Session,
    since: InstrumentedAttribute[Any],
    kind: str,
    now: datetime,
    channel_id: str | None,
    *also: ColumnElement[bool],
) -> list[int]:
    """Posts whose `since` time is within the retry window and that have no `kind` note."""
    return list(
        session.scalars(
            posts_query(channel_id)
            .with_only_columns(PromptPost.id)
            .where(since > now - RETRY_WINDOW, since <= now, _unnoticed(kind, now), *also)
        )
    )


def assigned_without_short_note(
    session: Session, now: datetime, channel_id: str | None
) -> list[int]:
    """Posts assigned within the retry window, still open, without a "short" note yet (those
    short of reviewers get one: `short_notice`)."""
    still_open = PromptPost.closed_at.is_(None)
    return _owing(session, PromptPost.assigned_at, SHORT, now, channel_id, still_open)


def short_notice(session: Session, post_id: int) -> ShortNotice | None:
    """The answers of the post with fewer reviewers than the channel asks for; None: none."""
    post = session.get(PromptPost, post_id)
    assert post is not None
    wanted = max(0, post.channel.reviewers_per_answer)
    answers = counted_answers(session, post.id)
    got = dict(
        session.execute(
            select(ReviewAssignment.answer_id, func.count())
            .where(ReviewAssignment.post_id == post.id)
            .group_by(ReviewAssignment.answer_id)
        ).all()
    )
    missing = tuple(
        (a.user_id, wanted - got.get(a.id, 0))
        for a in sorted(answers, key=lambda a: a.id)
        if got.get(a.id, 0) < wanted
    )
    return ShortNotice(post_ref(post, post.channel), wanted, missing) if missing else None


def closed_without_notes(session: Session, now: datetime, channel_id: str | None) -> list[int]:
    """Posts closed within the retry window whose closing notes are not posted yet."""
    return _owing(session, PromptPost.closed_at, NOTES, now, channel_id)
