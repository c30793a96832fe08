"""The batched writer of thread replies: one per process, after the ack, off the listener threads.

A validated reply is queued by its listener (`submit`); one writer thread drains the queue and
records up to `max_batch` replies per transaction: their delivery claims (a repeat's claim
conflicts and it records nothing), the messages, and the recomputed answers with their
once-only flags (`record_replies`). Only after the commit does it call Slack (the counted
reaction, the late notice), so no transaction is ever held across a Slack call.

The queue is bounded: when it is full the listener waits for room (`submit`, up to
`SUBMIT_WAIT`), then records the reply itself, so a burst slows the listener threads down
instead of growing memory, and the writer still records it in a batch. A batch that fails
because the database is busy or away (a lock timeout, a lost connection: `is_transient`) was
rolled back whole and is recorded again after a back-off, as often as it takes: an
acknowledged reply is never dropped for that, and never written twice (the delivery claims
and the once-only flags are in the same transaction). The Slack side stays at most once: when
a commit went through but its answer was lost, the retry finds the claims taken and reacts to
nothing.

The Slack calls of a committed batch (one `reactions.add` per new answer) are handed to a
thread of their own (`ACK_THREADS`), so the writer goes on to the next batch instead of waiting
for them: each is a new HTTPS connection, and a rate-limited one waits out its Retry-After.
Once that pool is shut (at close), they are made in the recording thread.

`close()` drains what is queued, stops the thread, then lets the pool finish the Slack calls
handed to it; it runs from the runtime's `close()` and at interpreter exit (a gunicorn worker
leaves through `sys.exit`, so `atexit` runs on a graceful stop).
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot import metrics
from bot.db import is_transient
from bot.practice.answers import RecordedAnswer
from bot.runtime import Runtime
from bot.services.threads import record_thread_replies

log = logging.getLogger(__name__)

MAX_BATCH = 200
QUEUE_SIZE = 2_000
# Waits between attempts at a batch the database was too busy for (each attempt may itself
# wait out SQLite's 30 s busy timeout).
RETRY_FIRST = 0.5
RETRY_MAX = 10.0
# How long a listener waits for room in a full queue before recording its reply itself (one
# transaction for one reply, competing with the writer for the database).
SUBMIT_WAIT = 5.0
# Threads making the Slack calls of committed batches (see the module's docstring). One: more
# only contended for the GIL in the profile (docs/benchmarks.md), and `reactions.add` is rate
# limited per workspace (Tier 3), so parallel calls would meet Retry-After sooner.
ACK_THREADS = 1


@dataclass(frozen=True)
class PendingReply:
    """A reply a listener validated, with what the writer needs to record and acknowledge it."""

    delivery_key: str | None
    team_id: str
    channel_id: str
    thread_ts: str
    user_id: str
    ts: str
    text: str
    client: WebClient


# (channel, thread ts, answer, client) -> the Slack side of one recorded answer.
Acknowledge = Callable[[WebClient, str, str, RecordedAnswer, Any], None]


class ReplyWriter:
    def __init__(
        self,
        runtime: Runtime,
        acknowledge: Acknowledge,
        *,
        max_batch: int = MAX_BATCH,
        queue_size: int = QUEUE_SIZE,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._runtime = runtime
        self._sleep = sleep
        self._acknowledge = acknowledge
        self._max_batch = max_batch
        self._queue: queue.Queue[PendingReply | None] = queue.Queue(maxsize=queue_size)
        self._closed = False
        self._lock = threading.Lock()
        self._room = threading.Condition(self._lock)  # the writer took a batch, or closing
        self._thread = threading.Thread(target=self._run, name="reply-writer", daemon=True)
        self._acks = runtime.pool(ACK_THREADS, "reply-ack")
        self._pending_acks: set[Future[None]] = set()
        self._thread.start()
        atexit.register(self.close)

    def offer(self, reply: PendingReply) -> bool:
        """Queue `reply` without waiting; False when the queue is full (or closed)."""
        if self._closed:
            return False
        try:
            self._queue.put_nowait(reply)
        except queue.Full:
            return False
        return True

    def submit(self, reply: PendingReply) -> None:
        """Queue `reply`, waiting up to `SUBMIT_WAIT` for room; when there is none (or the
        writer is closed), record it in the caller's thread."""
        if self.offer(reply):
            return
        deadline = time.monotonic() + SUBMIT_WAIT
        with self._room:  # close() sets _closed under this lock, before it queues its end
            while not self._closed:
                try:
                    self._queue.put_nowait(reply)
                    return
                except queue.Full:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._room.wait(remaining)
        self._record_safely([reply])

    def close(self, timeout: float = 10.0) -> None:
        """Record everything queued, then stop the writer thread. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._room.notify_all()  # waiting listeners record their replies themselves
        atexit.unregister(self.close)
        deadline = time.monotonic() + timeout
        self._queue.put(None)  # after everything queued before it
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error("the reply writer did not drain within %.0f s", timeout)
        self._acks.shutdown(wait=False)  # what was handed to it still runs; nothing new
        with self._lock:
            pending = set(self._pending_acks)
        _, late = wait(pending, max(0.0, deadline - time.monotonic()))
        if late:
            log.error("%d answers were not acknowledged on Slack within %.0f s", len(late), timeout)

    def _run(self) -> None:
        stop = False
        while not stop:
            batch: list[PendingReply] = []
            item = self._queue.get()
            while item is not None:
                batch.append(item)
                if len(batch) >= self._max_batch:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            stop = item is None
            with self._room:
                self._room.notify_all()
            if batch:
                self._show_depth()
                self._record_safely(batch)

    def _show_depth(self) -> None:
        # Set by the writer as it takes each batch (and while it retries one), not counted up
        # and down on every offer: in multiprocess mode each change is a locked mmap write, 3 %
        # of a worker's samples under the ingest load (py-spy, docs/benchmarks.md).
        metrics.REPLY_QUEUE_DEPTH.set(self._queue.qsize())

    def _record_safely(self, batch: list[PendingReply]) -> None:
        delay = RETRY_FIRST
        while True:
            try:
                self.record(batch)
                return
            except Exception as exc:
                if not is_transient(exc):
                    failed = exc
                    break
                log.warning(
                    "the database was busy for %d replies (%s); again in %.1f s",
                    len(batch),
                    getattr(exc, "orig", exc),
                    delay,
                )
            self._show_depth()  # what piles up behind a stuck batch
            self._sleep(delay)
            delay = min(delay * 2, RETRY_MAX)
        if len(batch) == 1:
            log.error("recording a thread reply failed", exc_info=failed)
            return
        # One bad reply must not lose the others: record them one transaction each.
        log.warning("a batch of %d replies failed; recording them one by one", len(batch))
        for reply in batch:
            self._record_safely([reply])

    def record(self, batch: list[PendingReply]) -> None:
        """Record `batch` in one transaction, then acknowledge the answers on Slack."""
        runtime = self._runtime
        done = record_thread_replies(runtime.sessions, runtime.thread_posts, batch, runtime.clock())
        metrics.ANSWERS_RECORDED.labels(source="live").inc(sum(1 for a, _, _ in done if a.react))
        # The Slack side, after the commit: each answer through the client (workspace) of the
        # last reply that touched it, in the pool's thread (it holds no transaction). One task
        # per batch: a future per answer was most of what handing off cost.
        calls = [
            (reply.client, reply.channel_id, reply.thread_ts, answer, post.answers_close_at)
            for answer, reply, post in done
        ]
        if not calls:
            return
        try:
            future = self._acks.submit(self._acknowledge_all, calls)
        except RuntimeError:  # the pool is shut (closing, or the interpreter exiting)
            self._acknowledge_all(calls)
            return
        with self._lock:
            self._pending_acks.add(future)
        future.add_done_callback(self._acknowledged)

    def _acknowledged(self, future: Future[None]) -> None:
        with self._lock:
            self._pending_acks.discard(future)

    def _acknowledge_all(
        self, calls: list[tuple[WebClient, str, str, RecordedAnswer, Any]]
    ) -> None:
        for call in calls:
            self._acknowledge_safely(*call)

    def _acknowledge_safely(
        self,
        client: WebClient,
        channel_id: str,
        thread_ts: str,
        answer: RecordedAnswer,
        closes_at: Any,
    ) -> None:
        try:
            self._acknowledge(client, channel_id, thread_ts, answer, closes_at)
        except Exception:  # recorded and committed: never retried, only logged
            log.exception("could not acknowledge an answer in %s", channel_id)
