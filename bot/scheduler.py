"""The in-process scheduler: APScheduler calling the same due-work as `practice-bot job`.

One job with a stable id ticks every minute and runs whatever is due; coalescing and a
misfire grace time turn a stalled process's backlog into a single catch-up run.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.jobs import run_all_due
from bot.runtime import Runtime

log = logging.getLogger(__name__)

TICK_JOB_ID = "practice-bot:due-work"


def start_scheduler(runtime: Runtime) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")

    def tick() -> None:
        if runtime.reload_content_if_changed():
            log.info("content packs reloaded: %s", ", ".join(sorted(runtime.library.packs)))
        run_all_due(runtime, runtime.clock())

    scheduler.add_job(
        tick,
        CronTrigger(second=5, timezone="UTC"),  # every minute, a little after it turns
        id=TICK_JOB_ID,
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=300,
        max_instances=1,
    )
    scheduler.start()
    log.info("scheduler started: due-work every minute")
    return scheduler
