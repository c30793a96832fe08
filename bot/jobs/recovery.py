"""Recovering answers from Slack's threads: before answers close, and when a process starts.

`recover_threads` reads each post's thread (`bot/slack/thread_reader.py`, paced to the
method's rate tier), stores it with `reconcile_thread` in one transaction per post, and only
then, outside any transaction, adds the ✅ or sends the late notice each recovered answer is
owed (the same once-only claims and the same `acknowledge` as live replies).

The assign-reviewers job recovers the posts whose answers close now, before it assigns
(`recover_due`); a post whose thread cannot be read is not assigned on that tick, unless its
answers closed more than `ASSIGN_ANYWAY_AFTER` ago (Slack down for an hour does not hold the
day's reviews up for ever). A starting process recovers every post whose answer window is
open, in a background thread (`start_recovery`), so answers written while it was down get
their ✅ without waiting for the close.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.db import job_lock
from bot.metrics import record_recovered
from bot.practice.recovery import RecoveryTarget
from bot.runtime import Runtime
from bot.services.recovery import recovery_targets, store_thread
from bot.slack.gateway import WorkspaceNotInstalled
from bot.slack.listeners.events.messages import acknowledge
from bot.slack.thread_reader import PACERS, Pacers, read_thread

log = logging.getLogger(__name__)

ASSIGN_ANYWAY_AFTER = timedelta(hours=1)


@dataclass
class RecoveryRun:
    threads: int = 0
    recovered: int = 0  # replies stored that the database did not have
    withdrawn: int = 0  # stored replies the thread no longer has
    failed: list[int] = field(default_factory=list)  # post ids whose thread could not be read


def recover_threads(
    runtime: Runtime, targets: Iterable[RecoveryTarget], now: datetime, *, pacers: Pacers = PACERS
) -> RecoveryRun:
    run = RecoveryRun()
    for target in targets:
        try:
            client = runtime.slack.client_for(target.team_id)
            replies = read_thread(
                client, target.team_id, target.channel_id, target.thread_ts, pacers=pacers
            )
        except (SlackApiError, SlackClientError, WorkspaceNotInstalled, OSError) as exc:
            reason = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
            log.warning("could not read the thread of post %s: %s", target.post_id, reason)
            run.failed.append(target.post_id)
            continue
        done = store_thread(runtime.sessions, target, replies, now)
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
                    acknowledge(
                        client, target.channel_id, target.thread_ts, answer, target.answers_close_at
                    )
                except Exception:  # recorded and committed: only logged, as live replies are
                    log.exception("could not acknowledge a recovered answer")
    return run


def recover_due(runtime: Runtime, now: datetime, channel_id: str | None) -> frozenset[int]:
    """Recover the posts whose answers close by `now`; the post ids not to assign yet."""
    targets = recovery_targets(runtime.sessions, now, due=True, channel_id=channel_id)
    run = recover_threads(runtime, targets, now)
    closes = {t.post_id: t.answers_close_at for t in targets}
    return frozenset(p for p in run.failed if now - closes[p] < ASSIGN_ANYWAY_AFTER)


def recover_open_threads(runtime: Runtime, *, pacers: Pacers = PACERS) -> RecoveryRun:
    """Every post whose answer window is open now (a starting process)."""
    with job_lock(runtime.engine, "recover-open-threads") as mine:
        if not mine:  # another instance is reading them right now
            return RecoveryRun()
        now = runtime.clock()
        targets = recovery_targets(runtime.sessions, now, due=False)
        run = recover_threads(runtime, targets, now, pacers=pacers)
    log.info(
        "start-up recovery: %d open threads read, %d replies recovered, %d withdrawn, %d failed",
        run.threads,
        run.recovered,
        run.withdrawn,
        len(run.failed),
    )
    return run


def start_recovery(runtime: Runtime) -> threading.Thread:
    """`recover_open_threads` in the background: start-up is not held up by Slack's pace."""

    def run() -> None:
        try:
            recover_open_threads(runtime)
        except Exception:
            log.exception("start-up recovery failed")

    thread = threading.Thread(target=run, name="startup-recovery", daemon=True)
    thread.start()
    return thread
