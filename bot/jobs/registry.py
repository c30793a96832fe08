"""Due-work jobs: "do what is due at time T", shared by the scheduler and `practice-bot job`.

Each job is idempotent: run it as often as you like, from as many processes as you like;
unique claims in the database make every post, assignment and close happen once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

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
    return JOBS[name](runtime, now, channel_id)


def run_all_due(runtime: Runtime, now: datetime) -> list[JobResult]:
    """Every job, in the day's order; one failing job never stops the others.

    A tick skips a job whose tick another instance is running right now (PostgreSQL advisory
    lock, `job_lock`): that instance does what is due; the claims keep it once either way.
    """
    results = []
    for name, func in JOBS.items():
        try:
            with job_lock(runtime.engine, f"job:{name}") as mine:
                if not mine:
                    log.debug("job %s is running on another instance; skipped", name)
                    continue
                results.append(func(runtime, now, None))
        except Exception:
            log.exception("job %s failed at %s", name, now.isoformat())
    return results
