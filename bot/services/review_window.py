"""The skeptic review window's due work: the `assign-reviewers` and `close-reviews` runs.

Each step is its own unit of work and commits once: a post's assignment, its close. Every
once-only Slack effect (a reviewer's brief or reminder, an author's summary, the thread's
short-of-reviewers and closing notes) goes through `claim_then_call`: claimed and committed,
then sent with no transaction open, then stored, or released when Slack refused it so the
next run sends it. A failure is logged and the run goes on with the next item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TypeVar

from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import SessionFactory, unit_of_work
from bot.practice.ports import ReviewNotifier
from bot.practice.reviews.assign import (
    AssignOutcome,
    assign_post,
    claim_notice,
    due_assignments,
    pending_notices,
    release_notice,
)
from bot.practice.reviews.closing import (
    claim_reminder,
    claim_summary,
    close_post,
    due_closes,
    due_reminders,
    owed_summaries,
    release_reminder,
    release_summary,
    thread_notes,
)
from bot.practice.reviews.notices import ReviewerBrief, ShortNotice, ThreadNotes, log_failure
from bot.practice.reviews.thread_notices import (
    NOTES,
    SHORT,
    assigned_without_short_note,
    claim_note,
    closed_without_notes,
    note_posted,
    release_note,
    short_notice,
)
from bot.services.publishing import claim_then_call

Claimed = TypeVar("Claimed")
Result = TypeVar("Result")
Note = TypeVar("Note", ShortNotice, ThreadNotes)


@dataclass(frozen=True)
class AssignRun:
    assigned: list[AssignOutcome]
    dms: int


@dataclass(frozen=True)
class CloseRun:
    closed: list[int]
    missed: int
    summaries: int
    reminders: int


def assign_due_reviews(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    channel_id: str | None = None,
    exclude: frozenset[int] = frozenset(),
) -> AssignRun:
    """The `assign-reviewers` due work: assign, say in the thread when short, tell reviewers.

    `exclude`: posts to leave for a later run (their thread could not be read yet).
    """
    with unit_of_work(sessions) as session:
        due = due_assignments(session, now, channel_id, exclude)
    outcomes = []
    for post_id in due:
        with unit_of_work(sessions) as session:
            outcome = assign_post(session, post_id, now)
            if outcome is None:
                continue  # another process assigned it
            session.commit()
        outcomes.append(outcome)
    # This run's posts and earlier failures: the note is retried until Slack takes it.
    post_short_notices(sessions, now, notifier=notifier, channel_id=channel_id)
    dms = tell_reviewers(sessions, now, notifier=notifier, channel_id=channel_id)
    return AssignRun(outcomes, dms)


def close_due_reviews(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    library: Library,
    channel_id: str | None = None,
) -> CloseRun:
    """The `close-reviews` due work: reminders, then closes, thread notes and summaries."""
    reminders = remind_reviewers(sessions, now, notifier=notifier, channel_id=channel_id)
    with unit_of_work(sessions) as session:
        due = due_closes(session, now, channel_id)
    closed: list[int] = []
    missed = 0
    for post_id in due:
        with unit_of_work(sessions) as session:
            missed_here = close_post(session, post_id, now)
            if missed_here is None:
                continue  # another process closed it
            session.commit()
        closed.append(post_id)
        missed += missed_here
    # This run's closes and earlier failures: the notes are retried until Slack takes them.
    post_closing_notes(sessions, now, notifier=notifier, channel_id=channel_id)
    summaries = send_summaries(
        sessions, now, notifier=notifier, library=library, channel_id=channel_id
    )
    return CloseRun(closed, missed, summaries, reminders)


def _once(
    sessions: SessionFactory,
    claim: Callable[[Session], Claimed | None],
    call: Callable[[Claimed], Result],
    release: Callable[[Session, Claimed], None],
    store: Callable[[Session, Claimed, Result], None] | None,
    failed: str,
    *args: object,
) -> bool:
    """`claim_then_call`; a failed call is released and logged (`failed % args` says what
    failed) and the run goes on with the next item. True when the call went through."""
    try:
        done = claim_then_call(
            sessions,
            claim,
            call,
            release=lambda session, claimed, _exc: release(session, claimed),
            store=store,
        )
    except Exception as exc:
        log_failure(exc, failed, *args)
        return False
    return done is not None


# --- the thread's notes ---------------------------------------------------------------------


def post_short_notices(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    channel_id: str | None = None,
) -> int:
    """The "short of reviewers" note on each recently assigned post that is short, once."""
    with unit_of_work(sessions) as session:
        posts = assigned_without_short_note(session, now, channel_id)
    make = partial(_post_note, sessions, kind=SHORT, now=now, post=notifier.post_short_notice)
    return sum(make(post_id, partial(short_notice, post_id=post_id)) for post_id in posts)


def post_closing_notes(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    channel_id: str | None = None,
) -> int:
    """The "what strong answers did" notes on each recently closed post, once."""
    with unit_of_work(sessions) as session:
        posts = closed_without_notes(session, now, channel_id)
    make = partial(_post_note, sessions, kind=NOTES, now=now, post=notifier.post_notes)
    return sum(make(post_id, partial(thread_notes, post_id=post_id)) for post_id in posts)


def _post_note(
    sessions: SessionFactory,
    post_id: int,
    note_for: Callable[[Session], Note | None],
    *,
    kind: str,
    now: datetime,
    post: Callable[[Note], str],
) -> bool:
    """Make the post's `kind` note and claim it in one transaction, post it, store its ts."""

    def claim(session: Session) -> Note | None:
        note = note_for(session)
        if note is None or not claim_note(session, post_id, kind, now):
            return None
        return note

    return _once(
        sessions,
        claim,
        post,
        lambda session, _note: release_note(session, post_id, kind),
        lambda session, _note, ts: note_posted(session, post_id, kind, ts, now),
        "posting the %s note on post %s",
        kind,
        post_id,
    )


# --- reviewers' DMs and authors' summaries --------------------------------------------------


def _send_briefs(
    sessions: SessionFactory,
    due: list[tuple[int, str]],
    claim: Callable[..., ReviewerBrief | None],
    release: Callable[[Session, ReviewerBrief], None],
    send: Callable[[ReviewerBrief], None],
    now: datetime,
    what: str,
) -> int:
    """One DM per (post, reviewer), each claimed, sent, released when it fails."""
    return sum(
        _once(
            sessions,
            partial(claim, post_id=post_id, reviewer=reviewer, now=now),
            send,
            release,
            None,
            what + " %s about post %s",
            reviewer,
            post_id,
        )
        for post_id, reviewer in due
    )


def tell_reviewers(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    channel_id: str | None = None,
) -> int:
    """One DM per reviewer and post for assignments not yet told; returns DMs sent."""
    with unit_of_work(sessions) as session:
        due = pending_notices(session, now, channel_id)
    send = partial(notifier.send_brief, reminder=False)
    return _send_briefs(sessions, due, claim_notice, release_notice, send, now, "telling")


def remind_reviewers(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    channel_id: str | None = None,
) -> int:
    """One reminder DM per reviewer and post, half-way through reviews, if they have not scored."""
    with unit_of_work(sessions) as session:
        due = due_reminders(session, now, channel_id)
    send = partial(notifier.send_brief, reminder=True)
    return _send_briefs(sessions, due, claim_reminder, release_reminder, send, now, "reminding")


def send_summaries(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    library: Library,
    channel_id: str | None = None,
) -> int:
    """Each author of a closed post gets their summary once (claimed per answer)."""
    with unit_of_work(sessions) as session:
        owed = owed_summaries(session, now, channel_id)
    return sum(
        _once(
            sessions,
            partial(claim_summary, answer_id=answer_id, now=now, library=library),
            notifier.send_summary,
            release_summary,
            None,
            "the summary for answer %s",
            answer_id,
        )
        for answer_id in owed
    )
