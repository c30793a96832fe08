"""Ingest throughput: thread-reply events per second, sustained.

A batch of signed thread replies is sent by 50 clients as fast as the server takes them; the
figure counts an event only once the bot has written it to the database (its listener runs
after the ack), from the first send to the last write. The last write is seen by polling the
table every few milliseconds on one open connection: a quick run's phase lasts well under a
second, and `_settle`'s 0.1 s polls (each with a new engine) were a large part of it.
Baseline: the ack rate of the faster bare stack (gunicorn gthread `App` or uvicorn
`AsyncApp`, measured in the same run). A phase of 4,000 replies lasts one or two seconds, and
one phase of each, taken in turn, put the same stack's rate anywhere in a range of 1.8 times
(issue 27, sixth session): the bare app and the bot take turns, `ROUNDS` phases each, and each
side's figure is the median of its phases (`alternate`).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from sqlalchemy import create_engine, func, select

from bench.latency import (
    BARE_STACKS,
    ROUNDS,
    Stack,
    _settle,
    reply_requests,
    take_replies,
    thread_messages,
)
from bench.load import LoadResult, run_load
from bench.table import Row


@dataclass
class Ingested:
    """One server's ingest phases: (events fully processed per second, the acks' load result)."""

    phases: list[tuple[float, LoadResult]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """The median phase's rate."""
        return statistics.median(rate for rate, _ in self.phases)

    @property
    def ack_rate(self) -> float:
        return statistics.median(acks.rate for _, acks in self.phases)

    @property
    def ok(self) -> bool:
        return all(acks.ok for _, acks in self.phases)

    @property
    def statuses(self) -> list[dict[int, int]]:
        return [acks.statuses for _, acks in self.phases if not acks.ok]

    def spread(self) -> str:
        """Each phase's rate, for the row's note: "4,100/3,870/4,420"."""
        return "/".join(f"{rate:,.0f}" for rate, _ in self.phases)


def alternate(stacks: dict[str, Stack], count: int, rounds: int = ROUNDS) -> dict[str, Ingested]:
    """`rounds` ingest phases of each stack, taking turns."""
    measured = {name: Ingested() for name in stacks}
    for _ in range(rounds):
        for name, stack in stacks.items():
            measured[name].phases.append(measure(stack, count))
    return measured


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


def rows(db: str, ours: Ingested, bares: dict[str, Ingested], same: str) -> list[Row]:
    """Replies written per second against the faster bare stack's ack rate; the note gives the
    bare app on our own server stack (`same`) too: what that stack acks at all, a ceiling no
    writer behind it can pass. Each figure is the median of its phases (`alternate`)."""
    kind = max(bares, key=lambda k: bares[k].rate)
    base_rate = bares[kind].rate
    note = (
        f"acks {ours.ack_rate:,.0f}/s; median of {len(ours.phases)} ({ours.spread()} vs "
        f"{bares[kind].spread()}/s); floor: {BARE_STACKS[kind]}"
    )
    if same in bares and same != kind:
        ceiling = bares[same].rate
        note += (
            f"; bare {BARE_STACKS[same]}, same stack: {ceiling:,.0f}/s"
            f" ({ceiling / base_rate:.2f} of the floor)"
        )
    note += "" if ours.ok else f"; errors {ours.statuses}"
    return [
        Row(
            "ingest throughput",
            db,
            "thread replies written per second",
            ours.rate,
            base_rate,
            "/s",
            ">= 0.5 x baseline",
            ours.ok and ours.rate >= 0.5 * base_rate,
            note,
        ),
    ]
