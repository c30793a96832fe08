"""Ingest throughput: thread-reply events per second, sustained.

A batch of signed thread replies is sent by 50 clients as fast as the server takes them; the
figure counts an event only once the bot has written it to the database (its listener runs
after the ack), from the first send to the last write. The last write is seen by polling the
table every few milliseconds on one open connection: a quick run's phase lasts well under a
second, and `_settle`'s 0.1 s polls (each with a new engine) were a large part of it.
Baseline: the ack rate of the faster bare stack (gunicorn gthread `App` or uvicorn
`AsyncApp`, measured in the same run).
"""

from __future__ import annotations

import time

from sqlalchemy import create_engine, func, select

from bench.latency import (
    BARE_STACKS,
    Stack,
    _settle,
    reply_requests,
    take_replies,
    thread_messages,
)
from bench.load import LoadResult, run_load
from bench.table import Row


def measure(stack: Stack, count: int) -> tuple[float, LoadResult]:
    """(events fully processed per second, the load result of the acks)."""
    port = stack.server.port
    requests = reply_requests(port, stack.thread_ts, take_replies(stack, count))
    started = time.perf_counter()
    result = run_load("127.0.0.1", port, requests, max_seconds=60)
    if stack.database_url is None:
        return result.rate, result
    elapsed = _written_by(stack.database_url, stack.next_reply, timeout=120) - started
    _settle(stack, timeout=120)
    written = thread_messages(stack.database_url)
    done = min(result.count, count - max(0, stack.next_reply - written))
    return done / elapsed, result


def _written_by(url: str, total: int, timeout: float) -> float:
    """When (perf_counter) the bot had written `total` thread replies in all (or gave up)."""
    from bot.models import ThreadMessage

    engine = create_engine(url)
    counting = select(func.count()).select_from(ThreadMessage.__table__)
    deadline = time.perf_counter() + timeout
    try:
        with engine.connect() as connection:
            while time.perf_counter() < deadline:
                written = int(connection.scalar(counting) or 0)
                connection.rollback()  # the next poll reads a new snapshot
                if written >= total:
                    break
                time.sleep(0.005)
    finally:
        engine.dispose()
    return time.perf_counter()


def rows(
    db: str,
    ours: tuple[float, LoadResult],
    bares: dict[str, tuple[float, LoadResult]],
    same: str,
) -> list[Row]:
    """Replies written per second against the faster bare stack's ack rate; the note gives the
    bare app on our own server stack (`same`) too: what that stack acks at all, a ceiling no
    writer behind it can pass."""
    rate, acks = ours
    kind = max(bares, key=lambda k: bares[k][0])
    base_rate = bares[kind][0]
    note = f"acks {acks.rate:,.0f}/s; floor: {BARE_STACKS[kind]}"
    if same in bares and same != kind:
        ceiling = bares[same][0]
        note += (
            f"; bare {BARE_STACKS[same]}, same stack: {ceiling:,.0f}/s"
            f" ({ceiling / base_rate:.2f} of the floor)"
        )
    note += "" if acks.ok else f"; errors {acks.statuses}"
    return [
        Row(
            "ingest throughput",
            db,
            "thread replies written per second",
            rate,
            base_rate,
            "/s",
            ">= 0.5 x baseline",
            acks.ok and rate >= 0.5 * base_rate,
            note,
        ),
    ]
