"""The job-tick lock: on PostgreSQL one instance at a time per job; a no-op on SQLite."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.db import job_lock, make_engine


def test_one_tick_of_a_job_at_a_time_on_postgres_and_always_on_sqlite(engine: Engine) -> None:
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        with (
            job_lock(engine, "job:post-prompt") as first,
            job_lock(other, "job:post-prompt") as second,
            job_lock(other, "job:close-reviews") as different_job,
        ):
            assert first and different_job
            assert second is (engine.dialect.name == "sqlite")
        with job_lock(other, "job:post-prompt") as after:  # released when the block ends
            assert after
    finally:
        other.dispose()
