"""assign-reviewers and close-reviews: the skeptic review window of each prompt (issue 4).

`assign-reviewers`: read the closing threads back first, then on posts whose answer window has
closed, assign reviewers once, say in the thread when answers are short of reviewers, and DM
every reviewer once (one service call, `recover_then_assign`).
`close-reviews`: the review window's due work: the half-way reminders (one per reviewer who has
not scored), then closing posts whose reviews are due to close (missed reviews recorded, the
thread's "what strong answers did" notes, one summary DM per author). Both are idempotent;
the work is `bot/services/review_window.py`.
"""

from __future__ import annotations

from datetime import datetime

from bot.jobs.registry import JobOutcome, job
from bot.runtime import Runtime
from bot.services.review_window import close_due_reviews, recover_then_assign


@job("assign-reviewers")
def assign_reviewers_job(runtime: Runtime, now: datetime, channel_id: str | None) -> JobOutcome:
    run = recover_then_assign(
        runtime.sessions,
        now,
        reader=runtime.adapters.threads,
        receipts=runtime.adapters.receipts,
        notifier=runtime.adapters.reviews(now),
        channel_id=channel_id,
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
