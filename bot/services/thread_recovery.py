"""Recovering answers from Slack's threads: before answers close, and when a process starts.

`recover_threads` reads each post's thread through a `ThreadReader` (Slack's
`conversations.replies`, paced to the method's rate tier), stores it with `reconcile_thread`
in one transaction per post, and only then, outside any transaction, has `AnswerReceipts` add
the ✅ or send the late notice each recovered answer is owed (the same once-only claims and
the same receipts as live replies).

The assign-reviewers job recovers the posts whose answers close now, before it assigns
(`recover_due`); a post whose thread cannot be read is not assigned on that tick, unless its
answers closed more than `ASSIGN_ANYWAY_AFTER` ago (Slack down for an hour does not hold the
day's reviews up for ever). A starting process recovers every post whose answer window is
open (`recover_open_threads`, in the background: `bot/startup.py`), so answers written while it
was down get their ✅ without waiting for the close.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine

from bot.db import SessionFactory, job_lock, read_only, unit_of_work
from bot.metrics import record_recovered
from bot.practice.ports import AnswerReceipts, ThreadReader, ThreadUnreadable
from bot.practice.recovery import (
    Reconciled,
    RecoveryTarget,
    ThreadReply,
    posts_to_recover,
    reconcile_thread,
)

log = logging.getLogger(__name__)

ASSIGN_ANYWAY_AFTER = timedelta(hours=1)


@dataclass
class RecoveryRun:
    threads: int = 0
    recovered: int = 0  # replies stored that the database did not have
    withdrawn: int = 0  # stored replies the thread no longer has
    failed: list[int] = field(default_factory=list)  # post ids whose thread could not be read


def recovery_targets(
    sessions: SessionFactory, now: datetime, *, due: bool, channel_id: str | None = None
) -> list[RecoveryTarget]:
    """Posts whose answers close by `now` (`due`) or are still open."""
    with read_only(sessions) as session:
        return posts_to_recover(session, now, due=due, channel_id=channel_id)


def store_thread(
    sessions: SessionFactory,
    target: RecoveryTarget,
    replies: Sequence[ThreadReply],
    read_at: datetime,
) -> Reconciled:
    """Store a thread as Slack showed it at `read_at`, committed."""
    with unit_of_work(sessions) as session:
        done = reconcile_thread(session, target, replies, read_at)
        session.commit()
    return done


def recover_threads(
    sessions: SessionFactory,
    reader: ThreadReader,
    receipts: AnswerReceipts,
    targets: Iterable[RecoveryTarget],
    now: datetime,
) -> RecoveryRun:
    run = RecoveryRun()
    for target in targets:
        try:
            replies = reader.read(target.team_id, target.channel_id, target.thread_ts)
        except ThreadUnreadable as exc:
            log.warning("could not read the thread of post %s: %s", target.post_id, exc.reason)
            run.failed.append(target.post_id)
            continue
        done = store_thread(sessions, target, replies, now)
        run.threads += 1
        run.recovered += done.new_messages
        run.withdrawn += done.withdrawn
        if done.new_messages or done.withdrawn:
            log.info(
                "post %s: %d replies recovered from the thread, %d withdrawn",
                target.post_id,
                done.new_messages,
                done.withdrawn,
            )
        # Answers newly counted by this read (the ✅ is claimed once, live or recovered).
        record_recovered(sum(1 for answer in done.answers if answer.react))
        for answer in done.answers:  # after the commit: the ✅ or the late notice, once each
            if answer.react or answer.tell_late:
                try:
                    receipts.acknowledge(
                        target.team_id,
                        target.channel_id,
                        target.thread_ts,
                        answer,
                        target.answers_close_at,
                    )
                except Exception:  # recorded and committed: only logged, as live replies are
                    log.exception("could not acknowledge a recovered answer")
    return run


def recover_due(
    sessions: SessionFactory,
    reader: ThreadReader,
    receipts: AnswerReceipts,
    now: datetime,
    channel_id: str | None,
) -> frozenset[int]:
    """Recover the posts whose answers close by `now`; the post ids not to assign yet."""
    targets = recovery_targets(sessions, now, due=True, channel_id=channel_id)
    return recover_closing(sessions, reader, receipts, targets, now)


def recover_closing(
    sessions: SessionFactory,
    reader: ThreadReader,
    receipts: AnswerReceipts,
    targets: Sequence[RecoveryTarget],
    now: datetime,
) -> frozenset[int]:
    """Recover `targets`, posts whose answers have closed; the post ids not to assign yet."""
    run = recover_threads(sessions, reader, receipts, targets, now)
    closes = {t.post_id: t.answers_close_at for t in targets}
    return frozenset(p for p in run.failed if now - closes[p] < ASSIGN_ANYWAY_AFTER)


def recover_open_threads(
    engine: Engine,
    sessions: SessionFactory,
    reader: ThreadReader,
    receipts: AnswerReceipts,
    clock: Callable[[], datetime],
) -> RecoveryRun:
    """Every post whose answer window is open now (a starting process)."""
    with job_lock(engine, "recover-open-threads") as mine:
        if not mine:  # another instance is reading them right now
            return RecoveryRun()
        now = clock()
        targets = recovery_targets(sessions, now, due=False)
        run = recover_threads(sessions, reader, receipts, targets, now)
    log.info(
        "start-up recovery: %d open threads read, %d replies recovered, %d withdrawn, %d failed",
        run.threads,
        run.recovered,
        run.withdrawn,
        len(run.failed),
    )
    return run
