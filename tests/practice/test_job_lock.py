"""The job-tick lock: on PostgreSQL `JOB_LOCK_SLOTS` instances at a time per job (they divide
the tick's channels through the claims); a no-op on SQLite."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.db import JOB_LOCK_SLOTS, job_lock, make_engine


def test_one_tick_of_a_job_at_a_time_on_postgres_and_always_on_sqlite(engine: Engine) -> None:
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        with (
            job_lock(engine, "job:post-prompt", slots=1) as first,
            job_lock(other, "job:post-prompt", slots=1) as second,
            job_lock(other, "job:close-reviews", slots=1) as different_job,
        ):
            assert first and different_job
            assert second is (engine.dialect.name == "sqlite")
        with job_lock(other, "job:post-prompt", slots=1) as after:  # released at the block's end
            assert after
    finally:
        other.dispose()


def test_two_instances_share_a_tick_and_a_third_skips_it(engine: Engine) -> None:
    assert JOB_LOCK_SLOTS == 2
    engines = [make_engine(engine.url.render_as_string(hide_password=False)) for _ in range(3)]
    try:
        with (
            job_lock(engines[0], "job:post-prompt") as first,
            job_lock(engines[1], "job:post-prompt") as second,
            job_lock(engines[2], "job:post-prompt") as third,
        ):
            assert first and second
            assert third is (engine.dialect.name == "sqlite")
        with job_lock(engines[2], "job:post-prompt") as after:
            assert after
    finally:
        for each in engines:
            each.dispose()
