"""Due-work jobs. Importing this package registers every job, in the day's order."""

from bot.jobs import prompts, reviews
from bot.jobs.registry import JOBS, JobResult, run_all_due, run_job

__all__ = ["JOBS", "JobResult", "prompts", "reviews", "run_all_due", "run_job"]
