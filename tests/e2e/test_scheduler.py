"""The in-process scheduler runs the same due-work as `practice-bot job`."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.emulator.stage import Stage
from bot.scheduler import TICK_JOB_ID, start_scheduler
from tests.e2e.conftest import CHANNEL


def test_scheduler_tick_posts_what_is_due_once(enrolled: Stage) -> None:
    stage = enrolled
    scheduler = start_scheduler(stage.runtime)
    try:
        job = scheduler.get_job(TICK_JOB_ID)
        assert job is not None and job.coalesce and job.misfire_grace_time == 300
        assert job.max_instances == 1
        stage.set_time(datetime(2026, 3, 2, 14, 0, tzinfo=UTC))  # 09:00 in New York
        job.func()
        job.func()  # a second tick in the same minute changes nothing
    finally:
        scheduler.shutdown(wait=True)
    prompts = [m for m in stage.slack.messages(CHANNEL) if "Practice prompt" in m.get("text", "")]
    assert len(prompts) == 1
