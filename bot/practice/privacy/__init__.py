"""What the bot stores about a person: export it all, or forget them (docs/privacy.md).

`export_user` gathers every row about a user in one workspace. `forget_user` erases what is
theirs and anonymises what other people's results depend on:

| data | on forget-me |
|---|---|
| thread replies (`thread_messages`) | deleted |
| answers | text erased, author replaced by an anonymous token, marked withdrawn: the answer
  leaves the leaderboard, while the reviews others did on it keep counting for them |
| votes they gave | deleted; the answers' scores are recomputed from the remaining votes (the
  leaderboard is computed from the tables on every request) |
| review assignments as reviewer, their challenges | deleted (the challenge messages the bot
  posted in threads are returned so the caller can delete them from Slack) |
| reviewer opt-ins, waiting or past mock requests | deleted |
| mock matches, rounds' scores | their user id replaced by the anonymous token, so the
  partner's mock results stay as they were; a live match is ended |
| channels they created or enrolled | that reference cleared |

The token is random (`forgotten-` + 10 hex digits), the same for all rows of one forget-me,
and not derived from the user id, so it cannot be reversed.

Modules: `export` (`export_user`), `forget` (`forget_user`), `scope` (the selections they share).
"""
