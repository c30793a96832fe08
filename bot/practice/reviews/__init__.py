"""Skeptic reviews: assignment, telling reviewers, challenges, votes, reminders and closing.

One module per stage: `assign` (answer window closes), `votes` (scores and challenges while
reviews are open), `closing` (reminders, the close, summaries); `notices` holds the plain data
handed to the notifier and `queries` the selections the stages share.

A post's review life, all as idempotent due-work on the post's timeline:

* `answers_close_at`: `run_assignments` claims the post (`assigned_at`, once-only), persists the
  plan of the pure `assign_reviewers` (seeded by the post id, steered away from pairs that met in
  the channel's last 4 weeks), then DMs each reviewer once (`notified_at`, claimed per reviewer
  and post before the Slack call; released when the call fails, so a rerun retries).
* midpoint of [answers_close_at, reviews_close_at]: `send_reminders` DMs a reviewer who has not
  scored, once (`reminded_at` per assignment).
* `reviews_close_at`: `run_closing` claims the post (`closed_at`), marks unscored assignments
  missed, posts the prompt's "what strong answers did" notes in the thread, then sends every
  author their summary once (`Answer.summary_sent_at`). Paused channels still close.

Scores (`record_scores`) are upserts on (answer, reviewer, criterion): a re-submission replaces,
a replay or a concurrent duplicate collapses, and nothing is counted twice.
"""
