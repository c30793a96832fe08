"""The cost of `/metrics` on the ack path: thread-reply acks while a scraper reads `/metrics`.

The bot's event phase is run again with a scraper on its own thread fetching `GET /metrics`
every `INTERVAL` seconds: 4 a second, where Prometheus scrapes every 15 to 60 s, so that
several scrapes fall inside a phase of a few seconds; an upper bound of the cost.
Baseline: the same server's event phase without the scraper. The two alternate, `ROUNDS` (the
ack rows' count) times each, and each side's median p99 is compared: one pair of phases a few
seconds long put the ratio anywhere between 1.0 and 1.8 from run to run, the code unchanged.
"""

from __future__ import annotations

import contextlib
import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field

from bench.cpu import Cpu, median_cpu
from bench.latency import ROUNDS, Stack, _settle, reply_requests, round_p99s, take_replies
from bench.load import LoadResult, run_load
from bench.table import Row

INTERVAL = 0.25


class Scraper:
    """GET /metrics every `INTERVAL` s until stopped; durations (s) and statuses recorded."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.durations: list[float] = []
        self.statuses: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scraper", daemon=True)

    def __enter__(self) -> Scraper:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/metrics")
                response = connection.getresponse()
                response.read()
                connection.close()
                self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
            except OSError:
                self.statuses[0] = self.statuses.get(0, 0) + 1
            self.durations.append(time.perf_counter() - started)
            self._stop.wait(max(0.0, INTERVAL - (time.perf_counter() - started)))


@dataclass
class Scraped:
    plain: list[LoadResult]  # event phases without the scraper
    scraped: list[LoadResult]  # the same, each right after its plain one, scraped
    scrapers: list[Scraper]
    cpu: dict[str, list[Cpu]] = field(default_factory=lambda: {"plain": [], "scraped": []})

    def cpu_ms(self, side: str) -> Cpu:
        """The median phase's CPU a request on that side (ms)."""
        return median_cpu(self.cpu[side])

    def scraping_share(self) -> float:
        """The share of the scraped phases' time with a scrape in progress."""
        busy = sum(d for s in self.scrapers for d in s.durations)
        return busy / sum(r.elapsed for r in self.scraped) if self.scraped else 0.0


def _phase(stack: Stack, events: int, scraper: Scraper | None) -> tuple[LoadResult, Cpu]:
    port = stack.server.port
    requests = reply_requests(port, stack.thread_ts, take_replies(stack, events))
    before = stack.cpu()
    with scraper or contextlib.nullcontext():
        result = run_load("127.0.0.1", port, requests, max_seconds=60)
    _settle(stack)
    return result, (stack.cpu() - before).per(result.count)


def measure(stack: Stack, events: int) -> Scraped:
    scraped = Scraped([], [], [])
    for _ in range(ROUNDS):
        result, cpu = _phase(stack, events, None)
        scraped.plain.append(result)
        scraped.cpu["plain"].append(cpu)
        scraper = Scraper(stack.server.port)
        result, cpu = _phase(stack, events, scraper)
        scraped.scraped.append(result)
        scraped.cpu["scraped"].append(cpu)
        scraped.scrapers.append(scraper)
    return scraped


def rows(db: str, m: Scraped) -> list[Row]:
    durations = sorted(d for s in m.scrapers for d in s.durations)
    served = sum(s.statuses.get(200, 0) for s in m.scrapers)
    median = durations[len(durations) // 2] * 1000 if durations else float("nan")
    note = f"{served} of {len(durations)} scrapes answered 200, median {median:.0f} ms"
    if not served:
        note = f"no /metrics endpoint (statuses {[s.statuses for s in m.scrapers]})"
    p99 = statistics.median(r.percentile(99) for r in m.scraped)
    b99 = statistics.median(r.percentile(99) for r in m.plain)
    ok = all(r.ok for r in [*m.plain, *m.scraped])
    cpu, plain_cpu = m.cpu_ms("scraped"), m.cpu_ms("plain")
    slowest = durations[-1] * 1000 if durations else float("nan")
    # The scrape runs on the threads that ack: while one renders the registry, the acks
    # behind it wait, and the p99 is the slowest 1 % of them.
    cause = cpu.cause_against(plain_cpu, "same server, not scraped") or (
        f"a scrape was in progress {m.scraping_share():.1%} of the scraped phases' time"
        f" ({len(durations)} scrapes, median {median:.0f} ms, slowest {slowest:.0f} ms), on the"
        " workers that ack; the p99 is the slowest 1 % of the acks"
    )
    return [
        Row(
            "/metrics overhead",
            db,
            f"thread-reply event p99, /metrics scraped 4 times a second (median of {ROUNDS})",
            p99,
            b99,
            "ms",
            "ratio <= 1.2",
            ok and served > 0 and p99 <= 1.2 * b99,
            note + f"; baseline: the same server, not scraped, alternating ({ROUNDS} each; "
            f"rounds' p99 {round_p99s(m.scraped)} vs {round_p99s(m.plain)} ms); CPU a request"
            f" {cpu.shown()} vs {plain_cpu.shown()}",
            cause if served else "",
        ),
    ]
