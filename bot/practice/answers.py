"""Answers from a prompt's thread, independent of the order Slack delivers them in.

Every human reply is kept as a `ThreadMessage` (its newest version wins; a deletion sticks).
A user's answer is then recomputed from scratch: their earliest reply by message ts is the
answer, later ones are follow-ups, a deleted answer is withdrawn, one sent after the window
closed is late. Recomputing instead of patching makes duplicates, retries and an edit that
arrives before its message all land on the same stored result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Row, case, select, update
from sqlalchemy.orm import Session

from bot.db import affected, insert_for
from bot.models import Answer, PromptPost, ThreadMessage

MAX_ANSWER_CHARS = 40_000  # Slack's own message limit; anything longer is cut, not refused


class PostRef(Protocol):
    """What recording needs of a post: a `PromptPost`, or the cached `ThreadPost`."""

    @property
    def id(self) -> int: ...

    @property
    def answers_close_at(self) -> datetime: ...


def ts_to_datetime(ts: str) -> datetime:
    return datetime.fromtimestamp(float(ts), tz=UTC)


@dataclass(frozen=True)
class AnswerChange:
    """What recording a reply changed, so the Slack side can react once."""

    answer: Answer | None
    counted: bool  # an on-time, not withdrawn answer exists
    react: bool  # this call won the right to add the "counted" reaction
    tell_late: bool  # this call won the right to tell the author their answer is late


def record_reply(session: Session, post: PostRef, user_id: str, ts: str, text: str) -> AnswerChange:
    """A reply (message event) in the post's thread."""
    _upsert_message(session, post, user_id=user_id, ts=ts, text=text, version="")
    return recompute_answer(session, post, user_id)


def record_edit(
    session: Session, post: PostRef, user_id: str, ts: str, text: str, edit_ts: str
) -> AnswerChange:
    """A `message_changed`: the newest edit wins, whenever it arrives."""
    _upsert_message(session, post, user_id=user_id, ts=ts, text=text, version=edit_ts)
    return recompute_answer(session, post, user_id)


def record_delete(session: Session, post: PostRef, ts: str, user_id: str | None) -> AnswerChange:
    """A `message_deleted`: sticks even if the message itself arrives afterwards."""
    insert = insert_for(session)
    session.execute(
        insert(ThreadMessage)
        .values(post_id=post.id, user_id=user_id, ts=ts, text="", version="", deleted=True)
        .on_conflict_do_update(index_elements=["post_id", "ts"], set_={"deleted": True})
    )
    owner = user_id or session.scalar(
        select(ThreadMessage.user_id).where(
            ThreadMessage.post_id == post.id, ThreadMessage.ts == ts
        )
    )
    if owner is None:
        return AnswerChange(None, counted=False, react=False, tell_late=False)
    return recompute_answer(session, post, owner)


def _upsert_message(
    session: Session, post: PostRef, *, user_id: str, ts: str, text: str, version: str
) -> None:
    session.execute(
        _message_upsert(
            insert_for(session),
            [_message_row(post.id, user_id=user_id, ts=ts, text=text, version=version)],
        )
    )


def _message_row(
    post_id: int, *, user_id: str, ts: str, text: str, version: str
) -> dict[str, object]:
    return {
        "post_id": post_id,
        "user_id": user_id,
        "ts": ts,
        "text": text[:MAX_ANSWER_CHARS],
        "version": version,
        "edited_at": ts_to_datetime(version) if version else None,
        "deleted": False,
    }


def _message_upsert(insert, rows: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    statement = insert(ThreadMessage).values(rows)
    # Keep whichever version is newer; a stale delivery changes nothing. Versions are Slack
    # ts strings of equal shape, so string order is time order ("" = the original).
    newer = statement.excluded.version > ThreadMessage.version
    return statement.on_conflict_do_update(
        index_elements=["post_id", "ts"],
        set_={
            "text": _case(newer, statement.excluded.text, ThreadMessage.text),
            "edited_at": _case(newer, statement.excluded.edited_at, ThreadMessage.edited_at),
            "version": _case(newer, statement.excluded.version, ThreadMessage.version),
            "user_id": statement.excluded.user_id,
        },
    )


def _case(condition, then, otherwise):  # type: ignore[no-untyped-def]
    return case((condition, then), else_=otherwise)


def recompute_answer(session: Session, post: PostRef, user_id: str) -> AnswerChange:
    """Derive the user's answer from their replies; idempotent.

    Three round trips in the common case: the user's replies (Core rows, not objects), one
    upsert of the answer that returns it, and a flag claim only when a flag may still be
    unclaimed (a follow-up to an answer already reacted to claims nothing).
    """
    replies = session.execute(
        select(
            ThreadMessage.ts, ThreadMessage.text, ThreadMessage.edited_at, ThreadMessage.deleted
        ).where(ThreadMessage.post_id == post.id, ThreadMessage.user_id == user_id)
    ).all()
    if not replies:
        return AnswerChange(None, counted=False, react=False, tell_late=False)
    values = _answer_values(post, replies)
    late = values["late"]
    insert = insert_for(session)
    answer = session.scalars(
        insert(Answer)
        .values(post_id=post.id, user_id=user_id, **values)
        .on_conflict_do_update(index_elements=["post_id", "user_id"], set_=values)
        .returning(Answer),
        execution_options={"populate_existing": True},
    ).one()
    counted = not answer.withdrawn and not answer.late and bool(answer.text.strip())
    react = counted and not answer.reacted and _claim_flag(session, answer, Answer.reacted)
    tell_late = (
        late
        and not answer.withdrawn
        and not answer.late_notified
        and _claim_flag(session, answer, Answer.late_notified)
    )
    return AnswerChange(answer, counted=counted, react=react, tell_late=tell_late)


def _answer_values(post: PostRef, replies: list[Row[Any]]) -> dict[str, Any]:
    """The answer a user's replies make: the earliest by ts; later ones are follow-ups."""
    # Slack ts strings sort as numbers only at equal length; sort numerically to be sure.
    replies = sorted(replies, key=lambda m: float(m.ts))
    first = replies[0]
    answered_at = ts_to_datetime(first.ts)
    return {
        "message_ts": first.ts,
        "text": first.text,
        "answered_at": answered_at,
        "edited_at": first.edited_at,
        "followups": sum(1 for m in replies[1:] if not m.deleted),
        "withdrawn": first.deleted,
        "late": answered_at > post.answers_close_at,
    }


def _claim_flag(session: Session, answer: Answer, flag) -> bool:  # type: ignore[no-untyped-def]
    """Set a once-only flag; True for exactly one caller, whatever runs concurrently.

    Callers skip it when the upsert already returned the flag set (it is never unset).
    """
    statement = update(Answer).where(Answer.id == answer.id, flag.is_(False)).values({flag: True})
    return affected(session, statement)


def answers_for_post(session: Session, post: PromptPost) -> list[Answer]:
    query = select(Answer).where(Answer.post_id == post.id).order_by(Answer.answered_at)
    return list(session.scalars(query))
