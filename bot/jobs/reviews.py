"""assign-reviewers and close-reviews: the skeptic review window of each prompt (issue 4).

`assign-reviewers`: on posts whose answer window has closed, assign reviewers once, say in the
thread when answers are short of reviewers, and DM every reviewer once.
`close-reviews`: the review window's due work: the half-way reminders (one per reviewer who has
not scored), then closing posts whose reviews are due to close (missed reviews recorded, the
thread's "what strong answers did" notes, one summary DM per author). Both are idempotent;
the work is `bot/services/review_window.py`.
"""

from __future__ import annotations

from datetime import datetime

from bot.jobs.registry import JobOutcome, job
from bot.runtime import Runtime
from bot.services.review_window import assign_due_reviews, close_due_reviews
from bot.services.thread_recovery import recover_due


@job("assign-reviewers")
def assign_reviewers_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobOutcome:
    # Slack's thread is the record: what it has that the database lacks is stored first.
    unread = recover_due(
        runtime.sessions,
        runtime.adapters.threads,
        runtime.adapters.receipts,
        now,
        channel_id,
    )
    run = assign_due_reviews(
        runtime.sessions,
        now,
        notifier=runtime.adapters.reviews(now),
        channel_id=channel_id,
        exclude=unread,
    )
    details = tuple(
        f"{o.channel_id} post {o.post_id}: {o.assignments} reviews over {o.answers} answers"
        + (" (short of reviewers)" if o.short else "")
        for o in run.assigned
    )
    return JobOutcome(len(run.assigned), (*details, f"{run.dms} DMs sent"))


@job("close-reviews")
def close_reviews_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobOutcome:
    run = close_due_reviews(
        runtime.sessions,
        now,
        notifier=runtime.adapters.reviews(now),
        library=runtime.library,
        channel_id=channel_id,
    )
    return JobOutcome(
        len(run.closed),
        (
            f"closed posts {run.closed}; {run.missed} missed reviews",
            f"{run.summaries} summaries, {run.reminders} reminders, "
            f"{run.offers} stand-in offers sent",
        ),
    )
