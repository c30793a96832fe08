"""Due-work jobs: "do what is due at time T", shared by the scheduler and `practice-bot job`.

Each job is idempotent: run it as often as you like, from as many processes as you like;
unique claims in the database make every post, assignment and close happen once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot import metrics
from bot.db import job_lock
from bot.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobResult:
    name: str
    done: int  # how many things this run did (posts, assignments...)
    details: tuple[str, ...] = ()

    def summary(self) -> str:
        lines = [f"{self.name}: {self.done} done"]
        lines.extend(f"  {d}" for d in self.details)
        return "\n".join(lines)


Job = Callable[[Runtime, datetime, str | None], JobResult]
JOBS: dict[str, Job] = {}


def job(name: str) -> Callable[[Job], Job]:
    def decorate(func: Job) -> Job:
        JOBS[name] = func
        return func

    return decorate


def run_job(runtime: Runtime, name: str, now: datetime, channel_id: str | None = None) -> JobResult:
    try:
        return _measured(runtime, name, now, channel_id)
    finally:
        stop_dead_workspaces(runtime, now)


def _measured(runtime: Runtime, name: str, now: datetime, channel_id: str | None) -> JobResult:
    """One run of a job, counted with its duration and its lag behind `now`, its due time."""
    lag = (runtime.clock() - now).total_seconds()
    metrics.JOB_LAG.labels(job=name).observe(max(lag, 0.0))
    started = time.perf_counter()
    outcome = "failed"
    try:
        result = JOBS[name](runtime, now, channel_id)
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
    from bot.db import unit_of_work
    from bot.practice.channels import stop_workspace

    dead = runtime.slack.take_dead_workspaces()
    if not dead:
        return
    with unit_of_work(runtime.sessions) as session:
        for team_id in dead:
            stop_workspace(session, team_id, now)
        session.commit()


def run_all_due(runtime: Runtime, now: datetime) -> list[JobResult]:
    """Every job, in the day's order; one failing job never stops the others.

    A tick skips a job whose tick another instance is running right now (PostgreSQL advisory
    lock, `job_lock`): that instance does what is due; the claims keep it once either way.
    """
    results = []
    for name in JOBS:
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
