"""The cost of `/metrics` on the ack path: thread-reply acks while a scraper reads `/metrics`.

The bot's event phase is run again with a scraper on its own thread fetching `GET /metrics`
every `INTERVAL` seconds: 4 a second, where Prometheus scrapes every 15 to 60 s, so that
several scrapes fall inside a phase of a few seconds; an upper bound of the cost.
Baseline: the same server's event phase without the scraper, measured just before.
"""

from __future__ import annotations

import http.client
import threading
import time

from bench.latency import Measured, Stack, _settle, reply_requests, take_replies
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


def measure(stack: Stack, events: int) -> tuple[LoadResult, Scraper]:
    port = stack.server.port
    requests = reply_requests(port, stack.thread_ts, take_replies(stack, events))
    with Scraper(port) as scraper:
        result = run_load("127.0.0.1", port, requests, max_seconds=60)
    _settle(stack)
    return result, scraper


def rows(db: str, scraped: tuple[LoadResult, Scraper], plain: Measured) -> list[Row]:
    result, scraper = scraped
    served = scraper.statuses.get(200, 0)
    ordered = sorted(scraper.durations)
    median = ordered[len(ordered) // 2] * 1000 if ordered else float("nan")
    note = f"{served} of {len(ordered)} scrapes answered 200, median {median:.0f} ms"
    if not served:
        note = f"no /metrics endpoint (statuses {scraper.statuses})"
    p99, b99 = result.percentile(99), plain.events.percentile(99)
    return [
        Row(
            "/metrics overhead",
            db,
            "thread-reply event p99, /metrics scraped 4 times a second",
            p99,
            b99,
            "ms",
            "ratio <= 1.2",
            result.ok and served > 0 and p99 <= 1.2 * b99,
            note + "; baseline: the same server, not scraped",
        ),
    ]
