"""Peer mock interviews (`/mock`): the queue, matching, rounds, feedback and progress.

A request waits in its workspace's queue until a partner arrives; two waiting users are
matched at once. Matching is serialised per workspace (a transaction-scoped advisory lock on
PostgreSQL; `BEGIN IMMEDIATE` already serialises writers on SQLite), and a match locks both
requests (SELECT ... FOR UPDATE) and is made only if both are still 'waiting', so a request is
matched at most once and a user is never in two live matches. The partial unique index on
waiting requests keeps one waiting request per user.

A match has one or two rounds (`MockRound`): the candidate answers a case, the interviewer
plays the skeptic and scores the candidate on the pack's rubric; "swap roles" starts round 2
with the roles reversed. How mock rounds count in the leaderboard: docs/mock.md.

One module per stage: `queue` (waiting, status, cancel, expiry), `request` (`/mock`),
`matching` (pairs, roles, the case), `rounds` (intro and guide claims, swap, scores, ratings,
progress). Nothing here commits: `bot/services/mocks.py` owns each use case's unit of work.
"""
