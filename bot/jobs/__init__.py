"""Due-work jobs: `registry` (`@job`, `DAILY_ORDER`, `run_job`, `run_all_due`) and one module
per feature, each registering its jobs with `@job`; they are loaded on first use."""

from bot.jobs.registry import DAILY_ORDER, JOBS, JobResult, load_jobs, run_all_due, run_job

__all__ = ["DAILY_ORDER", "JOBS", "JobResult", "load_jobs", "run_all_due", "run_job"]
