"""Answers from a prompt's thread, independent of the order Slack delivers them in.

Every human reply is kept as a `ThreadMessage` (its newest version wins; a deletion sticks).
A user's answer is then recomputed from scratch: their earliest reply by message ts is the
answer, later ones are follow-ups, a deleted answer is withdrawn, one sent after the window
closed is late. Recomputing instead of patching makes duplicates, retries and an edit that
arrives before its message all land on the same stored result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Row, bindparam, case, select, update
from sqlalchemy.orm import Session

from bot.db import insert_for, insert_rows
from bot.models import Answer, PromptPost, ThreadMessage
from bot.practice.privacy.marks import forgotten_replies

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


def record_edit(
    session: Session, post: PostRef, user_id: str, ts: str, text: str, edit_ts: str
) -> AnswerChange:
    """A `message_changed`: the newest edit wins, whenever it arrives."""
    if forgotten_replies(session, [(post.id, user_id, ts)]):
        return AnswerChange(None, counted=False, react=False, tell_late=False)
    _upsert_message(session, post, user_id=user_id, ts=ts, text=text, version=edit_ts)
    return recompute_answer(session, post, user_id)


def record_delete(session: Session, post: PostRef, ts: str, user_id: str | None) -> AnswerChange:
    """A `message_deleted`: sticks even if the message itself arrives afterwards."""
    if forgotten_replies(session, [(post.id, user_id, ts)]):
        return AnswerChange(None, counted=False, react=False, tell_late=False)
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
    upsert_messages(
        session, [_message_row(post.id, user_id=user_id, ts=ts, text=text, version=version)]
    )


def apply_thread_reads(session: Session, rows: list[dict[str, object]]) -> None:
    """Mark deleted the new rows older than their post's last thread read (`thread_read_ts`).

    A reply Slack showed is stored by that read, so one older than the read that is not
    stored was already deleted when the thread was read; its late delivery must not bring it
    back (recovery and live events commute). Only an inserted row takes this flag: a stored
    row's `deleted` is never changed by an upsert. The posts' rows are locked for share, so a
    recovery of the same thread (which locks them for update) runs wholly before or after.
    """
    ids = sorted({int(str(row["post_id"])) for row in rows})
    marks = dict(
        session.execute(
            select(PromptPost.id, PromptPost.thread_read_ts)
            .where(PromptPost.id.in_(ids))
            .with_for_update(read=True)
        ).all()
    )
    for row in rows:
        mark = marks.get(int(str(row["post_id"])))
        row["deleted"] = bool(mark) and float(str(row["ts"])) < float(str(mark))


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


def upsert_messages(session: Session, rows: list[dict[str, object]]) -> None:
    """Store `_message_row`s (in key order: concurrent writers lock rows in the same order),
    the new ones older than their post's last thread read as deleted."""
    apply_thread_reads(session, rows)
    statement, params = insert_rows(session, ThreadMessage.__table__, rows)
    session.execute(_message_upsert(statement), params)


def _message_upsert(statement: Any) -> Any:
    """The message upsert on `insert_rows`'s statement: the same for every batch, so
    SQLAlchemy compiles it once, instead of a statement with a literal VALUES list per batch
    (most of a batch's time in an earlier profile)."""
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


def _case(condition: Any, then: Any, otherwise: Any) -> Any:
    return case((condition, then), else_=otherwise)


def recompute_answer(session: Session, post: PostRef, user_id: str) -> AnswerChange:
    """Derive the user's answer from their replies; idempotent (`_recompute` for one user)."""
    recorded = _recompute(session, {(post.id, user_id): post})
    if not recorded:
        return AnswerChange(None, counted=False, react=False, tell_late=False)
    (done,) = recorded
    answer = session.get(Answer, done.answer_id, populate_existing=True)
    return AnswerChange(answer, counted=done.counted, react=done.react, tell_late=done.tell_late)


def _answer_values(post: PostRef, replies: list[Row[Any]]) -> dict[str, Any]:
    """The answer a user's replies make: the earliest by ts; later ones are follow-ups."""
    # Slack ts strings sort as numbers only at equal length; sort numerically to be sure.
    replies = sorted(replies, key=lambda m: float(m.ts))
    first = replies[0]
    answered_at = ts_to_datetime(first.ts)
    return {
        "message_ts": first.ts,
        # A deleted answer keeps no text: its author removed it, and whether its text was
        # ever seen depends on the order Slack delivered the message and its deletion in.
        "text": "" if first.deleted else first.text,
        "answered_at": answered_at,
        "edited_at": first.edited_at,
        "followups": sum(1 for m in replies[1:] if not m.deleted),
        "withdrawn": first.deleted,
        "late": answered_at > post.answers_close_at,
    }


# The columns `_answer_values` computes: what an answer upsert overwrites (and, with the id,
# what `/practice export` shows of an answer).
ANSWER_COLUMNS = (
    "message_ts",
    "text",
    "answered_at",
    "edited_at",
    "followups",
    "withdrawn",
    "late",
)


@dataclass(frozen=True)
class Reply:
    """One reply for `record_replies`."""

    post: PostRef
    user_id: str
    ts: str
    text: str


@dataclass(frozen=True)
class RecordedAnswer:
    """What `record_replies` changed for one (post, user), so the Slack side can react once."""

    answer_id: int
    post_id: int
    user_id: str
    message_ts: str
    counted: bool
    react: bool
    tell_late: bool


def record_replies(session: Session, replies: Sequence[Reply]) -> list[RecordedAnswer]:
    """Replies (message events) in prompts' threads, in a fixed number of statements.

    The same end state as recording them one by one in any order (answers are recomputed from
    every stored reply, after all of them are stored): one multi-row message upsert, one
    select of the affected users' replies, one multi-row answer upsert returning the answers,
    and at most one guarded update per once-only flag. One result per (post, user) touched.
    Rows are written in key order, so concurrent batches take row locks in the same order.
    """
    if not replies:
        return []
    messages: dict[tuple[int, str], dict[str, object]] = {}
    posts: dict[tuple[int, str], PostRef] = {}
    for reply in replies:
        # Two deliveries of the same message in one batch: the first is kept, as the
        # one-by-one upsert would (equal versions keep the stored text).
        messages.setdefault(
            (reply.post.id, reply.ts),
            _message_row(
                reply.post.id, user_id=reply.user_id, ts=reply.ts, text=reply.text, version=""
            ),
        )
        posts[(reply.post.id, reply.user_id)] = reply.post
    forgotten = forgotten_replies(session, [(r.post.id, r.user_id, r.ts) for r in replies])
    for key in forgotten:
        messages.pop(key, None)
    if forgotten:
        kept = {(post_id, row["user_id"]) for (post_id, _), row in messages.items()}
        posts = {key: post for key, post in posts.items() if key in kept}
    if not messages:
        return []
    upsert_messages(session, [messages[k] for k in sorted(messages)])
    return _recompute(session, posts)


def _recompute(session: Session, posts: dict[tuple[int, str], PostRef]) -> list[RecordedAnswer]:
    """Recompute the answers of these (post, user) pairs from their stored replies.

    One select of the users' replies, one multi-row answer upsert returning the answers, and at
    most one guarded update per once-only flag (only where a flag may still be unclaimed).
    Rows are written in key order, so concurrent batches take row locks in the same order.
    """
    pairs = sorted(posts)
    by_pair = _replies_of(session, pairs)
    answers = [
        {"post_id": pair[0], "user_id": pair[1], **_answer_values(posts[pair], by_pair[pair])}
        for pair in pairs
        if pair in by_pair
    ]
    if not answers:
        return []
    stored = _upsert_answers(session, answers)
    counted = {a.id for a in stored if not a.withdrawn and not a.late and a.text.strip()}
    react = _claim_flags(
        session, Answer.reacted, [a.id for a in stored if a.id in counted and not a.reacted]
    )
    late = [a.id for a in stored if a.late and not a.withdrawn and not a.late_notified]
    tell_late = _claim_flags(session, Answer.late_notified, late)
    return [
        RecordedAnswer(
            a.id,
            a.post_id,
            a.user_id,
            a.message_ts,
            counted=a.id in counted,
            react=a.id in react,
            tell_late=a.id in tell_late,
        )
        for a in sorted(stored, key=lambda a: (a.post_id, a.user_id))
    ]


def _replies_of(
    session: Session, pairs: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], list[Any]]:
    """The stored replies of these (post, user) pairs, as Core rows, by pair.

    Read as the posts' replies by these users, then kept by pair here. As a row-value list,
    `(post_id, user_id) IN ((..), ..)`, PostgreSQL took 36 ms a batch (100 ms at worst) in a
    thread of 7,000 replies: a new post's replies are newer than the table's statistics, so
    it read all of the post's replies and tested each against 200 OR-ed pairs. A plain list of
    users is tested with one hash lookup when its values are in the SQL as constants
    (`literal_execute`), 1.5 ms for the same read; as bound parameters a prepared statement's
    generic plan searches the list linearly. A batch's pairs are mostly of one post, so the
    posts-by-users product reads little more than the pairs."""
    wanted = set(pairs)
    post_ids = sorted({post_id for post_id, _ in wanted})
    user_ids = sorted({user_id for _, user_id in wanted})
    by_pair: dict[tuple[int, str], list[Any]] = {}
    rows = session.execute(
        select(
            ThreadMessage.post_id,
            ThreadMessage.user_id,
            ThreadMessage.ts,
            ThreadMessage.text,
            ThreadMessage.edited_at,
            ThreadMessage.deleted,
        ).where(
            ThreadMessage.post_id.in_(bindparam("posts", post_ids, literal_execute=True)),
            ThreadMessage.user_id.in_(bindparam("users", user_ids, literal_execute=True)),
        )
    )
    for row in rows:
        pair = (row.post_id, row.user_id)
        if pair in wanted:
            by_pair.setdefault(pair, []).append(row)
    return by_pair


def _upsert_answers(session: Session, answers: list[dict[str, Any]]) -> Sequence[Row[Any]]:
    """Upsert the answers; the stored rows with the columns the once-only flags need."""
    # Compiled once, whatever the number of rows (see `_message_upsert`); RETURNING comes
    # back per row.
    statement, params = insert_rows(session, Answer.__table__, answers)
    statement = statement.on_conflict_do_update(
        index_elements=["post_id", "user_id"],
        set_={column: statement.excluded[column] for column in ANSWER_COLUMNS},
    ).returning(
        Answer.id,
        Answer.post_id,
        Answer.user_id,
        Answer.message_ts,
        Answer.text,
        Answer.withdrawn,
        Answer.late,
        Answer.reacted,
        Answer.late_notified,
    )
    return session.execute(statement, params).all()


def _claim_flags(session: Session, flag: Any, ids: list[int]) -> set[int]:
    """Set a once-only flag on these answers; the ids this caller set, whatever runs at once."""
    if not ids:
        return set()
    statement = (
        update(Answer)
        .where(Answer.id.in_(sorted(ids)), flag.is_(False))
        .values({flag: True})
        .returning(Answer.id)
    )
    return set(session.scalars(statement))
