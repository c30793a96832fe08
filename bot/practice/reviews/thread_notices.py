"""The thread's notes, each posted once and retried until Slack takes it (as prompts are).

Two notes go in a prompt's thread: "short" (some answers got fewer reviewers than the channel
asks for) after assigning, and "notes" (what strong answers did) at the close. Each is claimed
in `thread_notices` with `bot/practice/claims.py` before Slack is called; a Slack failure
releases the claim, so the next run of the job posts it, and a claim whose process died
mid-call is taken over after the claims' lease. Posts are looked at for `RETRY_WINDOW` after
their assignment or close, so a long outage still gets its notes, and old posts never do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from bot.models import Channel, PromptPost, ReviewAssignment, ThreadNotice
from bot.practice.claims import claim, held
from bot.practice.ports import ReviewNotifier
from bot.practice.reviews.notices import ShortNotice, log_failure, post_ref
from bot.practice.reviews.queries import counted_answers, posts_query

log = logging.getLogger(__name__)

RETRY_WINDOW = timedelta(hours=24)
SHORT = "short"
NOTES = "notes"


def post_once(
    session: Session, post_id: int, kind: str, now: datetime, send: Callable[[], str]
) -> bool:
    """Claim the post's `kind` note, send it, store its ts; False when not sent this time."""
    if (
        claim(session, ThreadNotice, {"post_id": post_id, "kind": kind}, {"claimed_at": now}, now)
        is None
    ):
        session.commit()
        return False
    session.commit()  # never hold a transaction (a SQLite write lock) across a Slack call
    mine = and_(
        ThreadNotice.post_id == post_id,
        ThreadNotice.kind == kind,
        ThreadNotice.message_ts.is_(None),
    )
    try:
        ts = send()
    except Exception as exc:
        log_failure(exc, "posting the %s note on post %s", kind, post_id)
        session.execute(delete(ThreadNotice).where(mine))
        session.commit()
        return False
    session.execute(update(ThreadNotice).where(mine).values(message_ts=ts, posted_at=now))
    session.commit()
    return True


def _unnoticed(kind: str, now: datetime):  # type: ignore[no-untyped-def]
    """Posts without a posted (or freshly claimed) note of `kind`."""
    return ~PromptPost.id.in_(
        select(ThreadNotice.post_id).where(ThreadNotice.kind == kind, held(ThreadNotice, now))
    )


def short_notices(session: Session, now: datetime, channel_id: str | None) -> list[ShortNotice]:
    """Assigned, still open posts where an on-time answer has fewer reviewers than asked."""
    posts = session.execute(
        posts_query(channel_id).where(
            PromptPost.assigned_at > now - RETRY_WINDOW,
            PromptPost.assigned_at <= now,
            PromptPost.closed_at.is_(None),
            _unnoticed(SHORT, now),
        )
    ).all()
    notices = []
    for post, channel in posts:
        notice = _short_notice(session, post, channel)
        if notice is not None:
            notices.append(notice)
    return notices


def _short_notice(session: Session, post: PromptPost, channel: Channel) -> ShortNotice | None:
    wanted = max(0, channel.reviewers_per_answer)
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
    return ShortNotice(post_ref(post, channel), wanted, missing) if missing else None


def post_short_notices(
    session: Session, now: datetime, notifier: ReviewNotifier, channel_id: str | None = None
) -> int:
    sent = 0
    for notice in short_notices(session, now, channel_id):
        sent += post_once(
            session, notice.post.post_id, SHORT, now, lambda n=notice: notifier.post_short_notice(n)
        )
    return sent


def closed_without_notes(session: Session, now: datetime, channel_id: str | None) -> list[int]:
    """Posts closed within the retry window whose closing notes are not posted yet."""
    return list(
        session.scalars(
            posts_query(channel_id)
            .with_only_columns(PromptPost.id)
            .where(
                PromptPost.closed_at > now - RETRY_WINDOW,
                PromptPost.closed_at <= now,
                _unnoticed(NOTES, now),
            )
        )
    )
