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

from bench.cpu import Cpu, median_cpu
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


@dataclass(frozen=True)
class Phase:
    """One ingest phase of one server."""

    rate: float  # events fully processed (written, for the bot) per second
    acks: LoadResult
    cpu: Cpu  # a request, ms, until the last one was written
    behind: float = 0.0  # seconds from the last ack to the last reply written (the backlog)


@dataclass
class Ingested:
    """One server's ingest phases."""

    phases: list[Phase] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """The median phase's rate."""
        return statistics.median(p.rate for p in self.phases)

    @property
    def ack_rate(self) -> float:
        return statistics.median(p.acks.rate for p in self.phases)

    @property
    def cpu(self) -> Cpu:
        """The median phase's CPU a request, in ms."""
        return median_cpu(p.cpu for p in self.phases)

    @property
    def behind(self) -> float:
        """The median phase's wait, after its last ack, for its last reply to be written (s)."""
        return statistics.median(p.behind for p in self.phases)

    @property
    def ok(self) -> bool:
        return all(p.acks.ok for p in self.phases)

    @property
    def statuses(self) -> list[dict[int, int]]:
        return [p.acks.statuses for p in self.phases if not p.acks.ok]

    def spread(self) -> str:
        """Each phase's rate, for the row's note: "4,100/3,870/4,420"."""
        return "/".join(f"{p.rate:,.0f}" for p in self.phases)


def alternate(stacks: dict[str, Stack], count: int, rounds: int = ROUNDS) -> dict[str, Ingested]:
    """`rounds` ingest phases of each stack, taking turns."""
    measured = {name: Ingested() for name in stacks}
    for _ in range(rounds):
        for name, stack in stacks.items():
            measured[name].phases.append(measure(stack, count))
    return measured


def measure(stack: Stack, count: int) -> Phase:
    """One phase of `count` replies: how fast they were written (acked, for a bare app)."""
    port = stack.server.port
    requests = reply_requests(port, stack.thread_ts, take_replies(stack, count))
    url = stack.database_url
    last_id = _last_id(url) if url else 0
    before = stack.cpu()
    started = time.perf_counter()
    result = run_load("127.0.0.1", port, requests, max_seconds=60)
    if url is None:
        return Phase(result.rate, result, (stack.cpu() - before).per(result.count))
    elapsed = _written_by(url, last_id, count, timeout=120) - started
    cpu = (stack.cpu() - before).per(result.count)
    _settle(stack, timeout=120)
    written = thread_messages(url)
    done = min(result.count, count - max(0, stack.next_reply - written))
    return Phase(done / elapsed, result, cpu, max(0.0, elapsed - result.elapsed))


def _last_id(url: str) -> int:
    from bot.models import ThreadMessage

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.max(ThreadMessage.id))) or 0)
    finally:
        engine.dispose()


def _written_by(url: str, last_id: int, count: int, timeout: float) -> float:
    """When (perf_counter) the bot had written `count` thread replies after the row `last_id`
    (or gave up). The poll counts only the phase's rows, a range of the primary key: counting
    the whole table every 5 ms (35,000 rows by the last phase) took a core's share from the
    writer it waits for, PostgreSQL's backends in particular."""
    from bot.models import ThreadMessage

    engine = create_engine(url)
    counting = select(func.count()).where(ThreadMessage.id > last_id)
    deadline = time.perf_counter() + timeout
    try:
        with engine.connect() as connection:
            while time.perf_counter() < deadline:
                written = int(connection.scalar(counting) or 0)
                connection.rollback()  # the next poll reads a new snapshot
                if written >= count:
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
    # A failing row's measured causes: the ceiling of our server stack, and our CPU a reply
    # against the bare app's on that stack (or the floor's, when the floor is our stack).
    causes = []
    if same in bares and same != kind:
        ceiling = bares[same].rate
        note += (
            f"; bare {BARE_STACKS[same]}, same stack: {ceiling:,.0f}/s"
            f" ({ceiling / base_rate:.2f} of the floor)"
        )
        if ceiling < base_rate:
            causes.append(
                f"our server stack's ceiling (the bare {BARE_STACKS[same]} acks "
                f"{ceiling / base_rate:.2f} of the floor)"
            )
    if ours.behind:
        share = statistics.median(p.behind / (p.acks.elapsed + p.behind) for p in ours.phases)
        note += f"; last reply written {1000 * ours.behind:,.0f} ms after the last ack"
        if share > 0.1:
            causes.append(
                f"the writer's backlog (the last reply written {1000 * ours.behind:,.0f} ms"
                f" after the last ack, {share:.0%} of the phase)"
            )
    near = same if same in bares else kind
    note += (
        f"; CPU a reply {ours.cpu.shown()} vs {bares[near].cpu.shown()} (bare {BARE_STACKS[near]})"
    )
    causes.append(ours.cpu.cause_against(bares[near].cpu, f"bare {BARE_STACKS[near]}"))
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
            "; ".join(filter(None, causes)),
        ),
    ]
