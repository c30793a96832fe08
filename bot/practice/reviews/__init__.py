"""Skeptic reviews: assignment, telling reviewers, challenges, votes, reminders and closing.

One module per stage: `assign` (answer window closes), `votes` (scores and challenges while
reviews are open), `closing` (reminders, the close, summaries); `thread_notices` the thread's
short-of-reviewers and closing notes; `notices` holds the plain data handed to the notifier and
`queries` the selections the stages share. Nothing here commits: the due work's services
(`bot/services/review_window.py`) run each step in its own unit of work and call Slack between
them with no transaction open.

A post's review life, all as idempotent due-work on the post's timeline:

* `answers_close_at`: `assign_post` claims the post (`assigned_at`, once-only), persists the
  plan of the pure `assign_reviewers` (seeded by the post id, steered away from pairs that met in
  the channel's last 4 weeks); each reviewer is then DMed once (`claim_notice`: `notified_at`,
  claimed per reviewer and post before the Slack call; released when the call fails, so a rerun
  retries).
* midpoint of [answers_close_at, reviews_close_at]: a reviewer who has not scored is reminded
  once (`claim_reminder`: `reminded_at` per assignment).
* `reviews_close_at`: `close_post` claims the post (`closed_at`) and marks unscored assignments
  missed; the prompt's "what strong answers did" notes go in the thread, then every author gets
  their summary once (`claim_summary`: `Answer.summary_sent_at`). Paused channels still close.

Scores (`record_scores`) are upserts on (answer, reviewer, criterion): a re-submission replaces,
a replay or a concurrent duplicate collapses, and nothing is counted twice.
"""
