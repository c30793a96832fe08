"""The weekly tally: points per person and week, ranking with ties, streaks, movers, stats.

Modules: `tally` (`tally_week`), `votes` (its queries), `week` (the result as plain data),
`history` (movers, trends), `streaks` (practice weeks in a row), `recognition` (most
improved, mocks held), `season` (the monthly post), `stats` (one person: `/practice stats`,
the App Home).

Query shape: everything starts from the channel's posts of one local week, found through the
(channel_pk, local_date) unique index; answers are reached by `answers.post_id` (indexed),
votes by `votes.answer_id` (the covering index ix_votes_answer_criterion), assignments by
`review_assignments.post_id` (leading column of an index), challenges by `assignment_id`
(indexed) and mock scores by `created_at` (indexed). The work grows with the week's activity,
not with the channel's history. Bias correction reads a bounded window of weeks
(`ScoringRules.bias_window_weeks`); streaks read at most 52 weeks of the listed members'
activity, grouped by week.
"""
