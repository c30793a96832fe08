"""The skeptic review window's due work: the `assign-reviewers` and `close-reviews` runs
(the latter also offers reviews left undone to stand-ins).

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
from bot.db import SessionFactory, read_only, unit_of_work
from bot.practice.ports import AnswerReceipts, ReviewNotifier, ThreadReader
from bot.practice.recovery import RecoveryTarget
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
from bot.practice.reviews.notices import ShortNotice, ThreadNotes, log_failure
from bot.practice.reviews.standins import (
    claim_offer,
    claim_passed,
    due_standins,
    offer_standins,
    owed_passed,
    pending_offers,
    release_offer,
    release_passed,
)
from bot.practice.reviews.thread_notices import (
    NOTES,
    SHORT,
    assigned_without_short_note,
    claim_note,
    closed_without_notes,
    mark_no_note,
    note_posted,
    release_note,
    short_notice,
)
from bot.services.publishing import claim_then_call
from bot.services.thread_recovery import recover_closing, recovery_targets

Claimed = TypeVar("Claimed")
Result = TypeVar("Result")
Done = TypeVar("Done")
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
    offers: int = 0  # stand-in offers sent


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
    with read_only(sessions) as session:
        due = due_assignments(session, now, channel_id, exclude)
    assigned = _each_in_its_own_unit(sessions, due, partial(assign_post, now=now))
    post_thread_notes(
        sessions,
        now,
        SHORT,
        assigned_without_short_note,
        short_notice,
        notifier.post_short_notice,
        channel_id,
    )
    dms = send_briefs(sessions, now, notifier=notifier, reminder=False, channel_id=channel_id)
    return AssignRun([outcome for _post_id, outcome in assigned], dms)


def recover_then_assign(
    sessions: SessionFactory,
    now: datetime,
    *,
    reader: ThreadReader,
    receipts: AnswerReceipts,
    notifier: ReviewNotifier,
    channel_id: str | None = None,
) -> AssignRun:
    """The `assign-reviewers` run: closing threads read back (Slack's thread is the record),
    then reviewers assigned where the thread could be read, channel by channel so one channel's
    briefs go out while the next threads wait for the read tier (all reads before all DMs put
    the two limits end to end: busy-morning benchmark); a last pass sends earlier leftovers."""
    by_channel: dict[str, list[RecoveryTarget]] = {}
    for target in recovery_targets(sessions, now, due=True, channel_id=channel_id):
        by_channel.setdefault(target.channel_id, []).append(target)
    channels = [channel_id] if channel_id else sorted(by_channel)
    runs, held_back = [], set[int]()
    for channel in channels:
        unread = recover_closing(sessions, reader, receipts, by_channel.get(channel, []), now)
        held_back |= unread
        runs.append(assign_due_reviews(sessions, now, notifier=notifier, channel_id=channel,
                                       exclude=unread))  # fmt: skip
    if channel_id is None:
        runs.append(assign_due_reviews(sessions, now, notifier=notifier,
                                       exclude=frozenset(held_back)))  # fmt: skip
    return AssignRun([o for run in runs for o in run.assigned], sum(run.dms for run in runs))


def close_due_reviews(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    library: Library,
    channel_id: str | None = None,
) -> CloseRun:
    """The `close-reviews` due work: reminders, then closes, thread notes and summaries."""
    reminders = send_briefs(sessions, now, notifier=notifier, reminder=True, channel_id=channel_id)
    offers = run_standins(sessions, now, notifier=notifier, channel_id=channel_id)
    with read_only(sessions) as session:
        due = due_closes(session, now, channel_id)
    closed = _each_in_its_own_unit(sessions, due, partial(close_post, now=now))
    post_thread_notes(
        sessions, now, NOTES, closed_without_notes, thread_notes, notifier.post_notes, channel_id
    )
    summaries = send_summaries(
        sessions, now, notifier=notifier, library=library, channel_id=channel_id
    )
    return CloseRun(
        [post_id for post_id, _missed in closed],
        sum(missed for _post_id, missed in closed),
        summaries,
        reminders,
        offers,
    )


def _each_in_its_own_unit(
    sessions: SessionFactory, post_ids: list[int], step: Callable[[Session, int], Done | None]
) -> list[tuple[int, Done]]:
    """`step(session, post_id)` per post, each in its own unit of work, committed when it did
    something; None says another process had done it."""
    done = []
    for post_id in post_ids:
        with unit_of_work(sessions) as session:
            result = step(session, post_id)
            if result is None:
                continue
            session.commit()
        done.append((post_id, result))
    return done


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


def post_thread_notes(
    sessions: SessionFactory,
    now: datetime,
    kind: str,
    owing: Callable[[Session, datetime, str | None], list[int]],
    note_for: Callable[..., Note | None],
    post: Callable[[Note], str],
    channel_id: str | None = None,
) -> int:
    """The `kind` note on each post `owing` one (made by `note_for(session, post_id=)`, none
    when it says None), once: this run's posts and earlier failures, retried until Slack
    takes it. Returns how many were posted."""
    with read_only(sessions) as session:
        posts = owing(session, now, channel_id)
    return sum(
        _post_note(sessions, post_id, partial(note_for, post_id=post_id), kind, now, post)
        for post_id in posts
    )


def _post_note(
    sessions: SessionFactory,
    post_id: int,
    note_for: Callable[[Session], Note | None],
    kind: str,
    now: datetime,
    post: Callable[[Note], str],
) -> bool:
    """Make the post's `kind` note and claim it in one transaction, post it, store its ts."""

    nothing_to_say: list[bool] = []

    def claim(session: Session) -> Note | None:
        note = note_for(session)
        if note is None:
            nothing_to_say.append(True)
            return None
        if not claim_note(session, post_id, kind, now):
            return None
        return note

    posted = _once(
        sessions,
        claim,
        post,
        lambda session, _note: release_note(session, post_id, kind),
        lambda session, _note, ts: note_posted(session, post_id, kind, ts, now),
        "posting the %s note on post %s",
        kind,
        post_id,
    )
    if nothing_to_say:
        with unit_of_work(sessions) as session:
            mark_no_note(session, post_id, kind, now)
            session.commit()
    return posted


# --- reviewers' DMs and authors' summaries --------------------------------------------------


# due, claim, release, and what a failure's log line says it was doing
_BRIEFS = {
    False: (pending_notices, claim_notice, release_notice, "telling %s about post %s"),
    True: (due_reminders, claim_reminder, release_reminder, "reminding %s about post %s"),
}


def send_briefs(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    reminder: bool,
    channel_id: str | None = None,
) -> int:
    """One DM per reviewer and post, claimed per (post, reviewer): the brief for assignments
    not yet told, or (`reminder`) the half-way reminder to those who have not scored."""
    due_of, claim, release, failed = _BRIEFS[reminder]
    with read_only(sessions) as session:
        due = due_of(session, now, channel_id)
    send = partial(notifier.send_brief, reminder=reminder)
    return sum(
        _once(
            sessions,
            partial(claim, post_id=post_id, reviewer=reviewer, now=now),
            send,
            release,
            None,
            failed,
            reviewer,
            post_id,
        )
        for post_id, reviewer in due
    )


def send_summaries(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    library: Library,
    channel_id: str | None = None,
) -> int:
    """Each author of a closed post gets their summary once (claimed per answer)."""
    with read_only(sessions) as session:
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


# --- stand-ins ------------------------------------------------------------------------------


def run_standins(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    channel_id: str | None = None,
) -> int:
    """Reviews left undone at the stand-in time are offered (claimed per post), each offer DMed
    once; originals whose review was taken are told once. Returns the offers sent."""
    with read_only(sessions) as session:
        due = due_standins(session, now, channel_id)
    _each_in_its_own_unit(sessions, due, partial(offer_standins, now=now))
    with read_only(sessions) as session:
        pending = pending_offers(session, now, channel_id)
    sent = sum(
        _once(
            sessions,
            partial(claim_offer, offer_id=offer_id, now=now),
            notifier.send_standin_offer,
            release_offer,
            None,
            "offering stand-in %s",
            offer_id,
        )
        for offer_id in pending
    )
    send_passed_notices(sessions, now, notifier=notifier, channel_id=channel_id)
    return sent


def send_passed_notices(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    channel_id: str | None = None,
) -> int:
    """Each reviewer whose review a stand-in took is told once (claimed per assignment)."""
    with read_only(sessions) as session:
        owed = owed_passed(session, now, channel_id)
    return sum(tell_passed(sessions, aid, now, notifier=notifier) for aid in owed)


def tell_passed(
    sessions: SessionFactory, assignment_id: int, now: datetime, *, notifier: ReviewNotifier
) -> bool:
    """The original reviewer of `assignment_id` told once that a stand-in took it."""
    return _once(
        sessions,
        partial(claim_passed, assignment_id=assignment_id, now=now),
        notifier.tell_passed_on,
        release_passed,
        None,
        "telling the reviewer of assignment %s it was passed on",
        assignment_id,
    )
