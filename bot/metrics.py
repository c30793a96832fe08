"""Operator metrics: every series the bot exports on `GET /metrics` (Prometheus text format).

The series are module-level prometheus-client objects on the default registry; code that
counts something imports the series and increments it, e.g.

    from bot.metrics import ANSWERS_RECORDED
    ANSWERS_RECORDED.labels(source="recovered").inc(n)

Names and labels are stable: dashboards and alerts in `docs/deploy.md` depend on them.

Under gunicorn (`practice-bot serve`) each worker is its own process: `serve` sets
`PROMETHEUS_MULTIPROC_DIR` before the workers start, prometheus-client then keeps each
worker's values in files there, and `render()` adds them up (its multiprocess mode). Without
that variable (Socket Mode, `job`, tests) the values live in this process.

Increments are cheap (a lock and an add, or an mmap write in multiprocess mode); nothing here
touches the database or the network.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# --- what members did ---------------------------------------------------------------------
PROMPTS_POSTED = Counter(
    "practice_prompts_posted", "Daily prompts posted in a channel (job or /practice now)."
)
ANSWERS_RECORDED = Counter(
    "practice_answers_recorded",
    "Answers newly counted: source=live from Slack's events, source=recovered from a thread "
    "read back after a gap.",
    ["source"],
)
REVIEWS_COMPLETED = Counter(
    "practice_reviews_completed",
    "Reviews completed: a reviewer's first scoring of an answer (a re-submission is not counted).",
)
STANDINS_TAKEN = Counter(
    "practice_standins_taken",
    "Reviews left undone at the stand-in time that a stand-in took (the first to accept).",
)
VOTES = Counter(
    "practice_votes", "Criterion scores submitted by reviewers (one per criterion, re-submits too)."
)
MOCK_MATCHES = Counter("practice_mock_matches", "Mock interview pairs matched by /mock.")

# --- Slack's Web API ----------------------------------------------------------------------
SLACK_CALLS = Counter(
    "practice_slack_api_calls",
    "Slack Web API calls by method and outcome (error='ok' on success, else Slack's error code, "
    "or 'connection' when no answer came).",
    ["method", "error"],
)
SLACK_RATE_LIMITED = Counter(
    "practice_slack_rate_limited", "HTTP 429 answers from Slack's Web API, by method.", ["method"]
)
SLACK_RATE_LIMIT_WAIT = Counter(
    "practice_slack_rate_limit_wait_seconds",
    "Seconds spent waiting out Slack's Retry-After before a retried call.",
)

# --- due-work jobs ------------------------------------------------------------------------
JOB_RUNS = Counter(
    "practice_job_runs", "Due-work job runs, by job and outcome (ok or failed).", ["job", "outcome"]
)
JOB_DURATION = Histogram(
    "practice_job_duration_seconds",
    "How long one job run took.",
    ["job"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
JOB_LAG = Histogram(
    "practice_job_lag_seconds",
    "How long after its due time a job run started (the scheduler's tick, or job --at).",
    ["job"],
    buckets=(0.1, 1, 5, 15, 30, 60, 120, 300, 900, 3600),
)
JOB_LAST_SUCCESS = Gauge(
    "practice_job_last_success_timestamp_seconds",
    "Unix time of the job's last run that finished without an error.",
    ["job"],
    multiprocess_mode="max",
)
PROMPTS_UNPOSTED = Gauge(
    "practice_prompts_unposted",
    "Channels whose prompt was due but could not be posted in the last post-prompt run.",
    multiprocess_mode="mostrecent",
)

# --- the request path ---------------------------------------------------------------------
REPLY_QUEUE_DEPTH = Gauge(
    "practice_reply_queue_depth",
    "Thread replies acked but not yet recorded (the reply writer's queue), per process summed.",
    multiprocess_mode="livesum",
)
ACK_LATENCY = Histogram(
    "practice_ack_latency_seconds",
    "Time from a Slack request's arrival to the bot's answer (HTTP) or ack (Socket Mode).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3),
)


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


def render() -> tuple[bytes, str]:
    """The exposition of every series (summed over gunicorn's workers) and its content type."""
    if multiprocess():
        from prometheus_client import multiprocess as mp

        registry = CollectorRegistry()
        mp.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def worker_exited(pid: int) -> None:
    """gunicorn's `child_exit`: drop a dead worker's live gauges (the reply queue depth)."""
    if multiprocess():
        from prometheus_client import multiprocess as mp

        mp.mark_process_dead(pid)


def record_recovered(answers: int) -> None:
    """The recovery job's count: answers found only by reading a thread back after a gap."""
    ANSWERS_RECORDED.labels(source="recovered").inc(answers)
