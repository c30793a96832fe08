"""Footprint: start-up time of `practice-bot serve` to its first 200 on /healthz, and idle
memory of the gunicorn master and its workers after 3 s idle, two ways: PSS summed (what the
processes cost together: a page the workers share with the master counts once; the target,
120 MB with the default configuration) and VmRSS summed (each shared page counted in every
process; informational). Measured with the default configuration and with WEB_CONCURRENCY=1.
Baseline: the bare Bolt app under the same gunicorn configuration."""

from __future__ import annotations

import time

from bench.dbs import OUT, temp_database
from bench.emu import EmulatorProcess
from bench.servers import start_server
from bench.table import Row

IDLE_SECONDS = 3.0


def _measure(kind: str, url: str, api_url: str, workers: str | None) -> tuple[float, float, float]:
    """Start-up seconds, idle RSS and idle PSS (MB)."""
    env = {"WEB_CONCURRENCY": workers} if workers else {}
    log_path = OUT / f"footprint-{kind}.log"
    server = start_server(kind, database_url=url, api_url=api_url, extra_env=env, log_path=log_path)
    try:
        time.sleep(IDLE_SECONDS)
        return server.startup_seconds, server.rss_mb(), server.pss_mb()
    finally:
        server.stop()


def run(db: str, quick: bool, log: list[str]) -> list[Row]:
    from bot.migrate import upgrade

    rows = []
    # The bot checks its token with auth.test at start-up: the emulator stands in for Slack.
    with temp_database(db, "footprint") as url, EmulatorProcess() as emulator:
        upgrade(url)  # `serve` migrates too; a fresh database would add that to the start-up
        for workers, label in ((None, "default (2 workers)"), ("1", "WEB_CONCURRENCY=1")):
            start, rss, pss = _measure("bot", url, emulator.api_url, workers)
            bare_start, bare_rss, bare_pss = _measure("bare", url, emulator.api_url, workers)
            log.append(f"footprint {db} {label}: start {start:.2f} s, rss {rss:.0f} MB, "
                       f"pss {pss:.0f} MB; bare {bare_start:.2f} s, rss {bare_rss:.0f} MB, "
                       f"pss {bare_pss:.0f} MB")  # fmt: skip
            default = workers is None
            rows.append(Row("footprint", db, f"start-up to /healthz, {label}", start, bare_start,
                            "s", "< 2 s", start < 2))  # fmt: skip
            target, passed = ("< 120 MB", pss < 120) if default else ("-", None)
            rows.append(Row("footprint", db, f"idle PSS, {label}", pss, bare_pss, "MB", target,
                            passed))  # fmt: skip
            rows.append(Row("footprint", db, f"idle RSS, {label}", rss, bare_rss, "MB", "-", None))
    return rows
