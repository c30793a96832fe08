"""assign-reviewers and close-reviews: the skeptic review window of each prompt (issue 4).

`assign-reviewers`: on posts whose answer window has closed, assign reviewers once, say in the
thread when answers are short of reviewers, and DM every reviewer once.
`close-reviews`: the review window's due work: the half-way reminders (one per reviewer who has
not scored), then closing posts whose reviews are due to close (missed reviews recorded, the
thread's "what strong answers did" notes, one summary DM per author). Both are idempotent.
"""

from __future__ import annotations

from datetime import datetime

from bot.db import unit_of_work
from bot.jobs.recovery import recover_due
from bot.jobs.registry import JobResult, job
from bot.practice.reviews.assign import run_assignments
from bot.practice.reviews.closing import run_closing
from bot.runtime import Runtime
from bot.slack.review_notifier import SlackReviewNotifier


@job("assign-reviewers")
def assign_reviewers_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobResult:
    # Slack's thread is the record: what it has that the database lacks is stored first.
    unread = recover_due(runtime, now, channel_id)
    with unit_of_work(runtime.sessions) as session:
        run = run_assignments(
            session,
            now,
            notifier=SlackReviewNotifier(runtime.slack),
            channel_id=channel_id,
            exclude=unread,
        )
        session.commit()
    details = tuple(
        f"{o.channel_id} post {o.post_id}: {o.assignments} reviews over {o.answers} answers"
        + (" (short of reviewers)" if o.short else "")
        for o in run.assigned
    )
    return JobResult("assign-reviewers", len(run.assigned), (*details, f"{run.dms} DMs sent"))


@job("close-reviews")
def close_reviews_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobResult:
    with unit_of_work(runtime.sessions) as session:
        run = run_closing(
            session,
            now,
            notifier=SlackReviewNotifier(runtime.slack),
            library=runtime.library,
            channel_id=channel_id,
        )
        session.commit()
    return JobResult(
        "close-reviews",
        len(run.closed),
        (
            f"closed posts {run.closed}; {run.missed} missed reviews",
            f"{run.summaries} summaries, {run.reminders} reminders sent",
        ),
    )
