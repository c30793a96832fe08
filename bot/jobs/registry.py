"""Due-work jobs: "do what is due at time T", shared by the scheduler and `practice-bot job`.

Each job is idempotent: run it as often as you like, from as many processes as you like;
unique claims in the database make every post, assignment and close happen once.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI reads DAILY_ORDER without loading the app (or SQLAlchemy)
    from contextlib import AbstractContextManager

    from sqlalchemy import Engine

    from bot.runtime import Runtime

log = logging.getLogger(__name__)


# The day's order: a tick runs every job in this order (a prompt is posted before its
# answers are assigned reviewers, reviews close before the week's leaderboard is counted).
# A job's name is here once; `@job` refuses a name that is not, and the CLI's choices are these.
DAILY_ORDER = (
    "housekeeping",
    "post-prompt",
    "assign-reviewers",
    "close-reviews",
    "post-leaderboard",
    "post-season",
    "expire-mocks",
    "goal-dms",
)


@dataclass(frozen=True)
class JobOutcome:
    """What a job function reports; the registry adds the job's name."""

    done: int  # how many things this run did (posts, assignments...)
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class JobResult:
    name: str
    done: int
    details: tuple[str, ...] = ()

    def summary(self) -> str:
        lines = [f"{self.name}: {self.done} done"]
        lines.extend(f"  {d}" for d in self.details)
        return "\n".join(lines)


Job = Callable[["Runtime", datetime, str | None], JobOutcome]
JOBS: dict[str, Job] = {}


def job(name: str) -> Callable[[Job], Job]:
    """Register due work under `name`, which must have its place in `DAILY_ORDER`."""
    if name not in DAILY_ORDER:
        raise ValueError(f"job {name!r} has no place in DAILY_ORDER")

    def decorate(func: Job) -> Job:
        JOBS[name] = func
        return func

    return decorate


def job_lock(engine: Engine, name: str) -> AbstractContextManager[bool]:
    """`bot.db.job_lock`, imported when a tick runs (this module stays light for the CLI)."""
    from bot.db import job_lock as lock

    return lock(engine, name)


def load_jobs() -> dict[str, Job]:
    """Import every module of `bot.jobs`, so each `@job` registers itself."""
    import bot.jobs

    for module in pkgutil.iter_modules(bot.jobs.__path__):
        importlib.import_module(f"bot.jobs.{module.name}")
    return JOBS


def _run(runtime: Runtime, name: str, now: datetime, channel_id: str | None) -> JobResult:
    from bot.slack.gateway import waiting_out_rate_limits  # (the CLI stays light)

    load_jobs()
    # A job waits out a workspace's shut minute window rather than meet a 429 on each of its
    # next calls (bot/slack/gateway.py).
    with waiting_out_rate_limits():
        outcome = JOBS[name](runtime, now, channel_id)
    return JobResult(name, outcome.done, outcome.details)


def run_job(runtime: Runtime, name: str, now: datetime, channel_id: str | None = None) -> JobResult:
    try:
        return _measured(runtime, name, now, channel_id)
    finally:
        stop_dead_workspaces(runtime, now)


def _measured(runtime: Runtime, name: str, now: datetime, channel_id: str | None) -> JobResult:
    """One run of a job, counted with its duration and its lag behind `now`, its due time."""
    from bot import metrics  # imported when a tick runs (this module stays light for the CLI)

    lag = (runtime.clock() - now).total_seconds()
    metrics.JOB_LAG.labels(job=name).observe(max(lag, 0.0))
    started = time.perf_counter()
    outcome = "failed"
    try:
        result = _run(runtime, name, now, channel_id)
        outcome = "ok"
        metrics.JOB_LAST_SUCCESS.labels(job=name).set(time.time())
        return result
    finally:
        metrics.JOB_DURATION.labels(job=name).observe(time.perf_counter() - started)
        metrics.JOB_RUNS.labels(job=name, outcome=outcome).inc()


def stop_dead_workspaces(runtime: Runtime, now: datetime) -> None:
    """Workspaces whose token Slack called dead during the run leave every job's scan.

    Done after the job, with its sessions closed: marking them from inside the Slack call could
    wait on the job's own open transaction (SQLite's write lock).
    """
    from bot.services.workspaces import stop_workspaces

    dead = runtime.slack.take_dead_workspaces()
    if dead:
        stop_workspaces(runtime.sessions, dead, now)


def run_all_due(runtime: Runtime, now: datetime) -> list[JobResult]:
    """Every job, in the day's order; one failing job never stops the others.

    A tick skips a job whose tick another instance is running right now (PostgreSQL advisory
    lock, `job_lock`): that instance does what is due; the claims keep it once either way.
    """
    load_jobs()
    results = []
    for name in DAILY_ORDER:
        if name not in JOBS:
            continue
        try:
            with job_lock(runtime.engine, f"job:{name}") as mine:
                if not mine:
                    log.debug("job %s is running on another instance; skipped", name)
                    continue
                results.append(_measured(runtime, name, now, None))
        except Exception:
            log.exception("job %s failed at %s", name, now.isoformat())
        stop_dead_workspaces(runtime, now)
    return results
