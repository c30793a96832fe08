"""A week's ranking as plain data: rows, the answer and mock lines behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from bot.practice.scoring import (
    MIN_CHANNEL_CRITERION_SCORES,
    MIN_PERSON_CRITERION_SCORES,
    RUBRIC_MIDDLE,
    ScoringRules,
    notable_criteria,
    tie_break_key,
)

# The rows a leaderboard shows (the weekly post, `/practice leaderboard`): the ones whose
# criteria the tally reads.
TOP = 10


class AnswerLine(NamedTuple):
    """One on-time answer and what it earned (a named tuple: a week of 5,000 people has
    thousands of them, and a tuple is the cheapest immutable record to make)."""

    post_date: date
    answer_id: int
    reviewers: int | None  # counted for the rows a leaderboard shows (`tally_week`); else None
    raw_quality: float | None  # mean score as given
    quality: float | None  # the mean that counts (bias-corrected when the setting is on)
    quality_points: float  # quality_weight x the author's estimate, scored or not
    participation_points: float


@dataclass(frozen=True)
class MockLine:
    match_id: int
    round: int
    mean: float
    points: float  # the completed round's credit (like a completed review)


@dataclass
class Row:
    user_id: str
    points: float = 0.0
    answers: int = 0
    reviews: int = 0  # completed reviews
    missed: int = 0  # missed reviews
    interviews: int = 0  # scored mock rounds as the interviewer
    mean_quality: float | None = None  # mean of the scored answers' means (as scored)
    quality: float = RUBRIC_MIDDLE  # the estimate Q that points and ties use
    first_answer_at: datetime | None = None
    # The person's mean per criterion: only in the rows a leaderboard shows (`tally_week`).
    criteria: dict[str, float] = field(default_factory=dict)
    criterion_counts: dict[str, int] = field(default_factory=dict)
    mocks: list[MockLine] = field(default_factory=list)
    review_points: float = 0.0
    missed_points: float = 0.0
    rank: int = 0
    answer_lines: list[AnswerLine] = field(default_factory=list, repr=False)

    @property
    def strongest(self) -> str | None:
        """Only with enough scores (docs/scoring.md); None otherwise."""
        return notable_criteria(self.criteria, self.criterion_counts, MIN_PERSON_CRITERION_SCORES)[
            0
        ]

    def sort_key(self) -> tuple[Any, ...]:
        return tie_break_key(self.points, self.answers, self.quality, self.first_answer_at)


@dataclass
class Week:
    channel_pk: int
    week_start: date
    rules: ScoringRules
    rows: list[Row]
    criteria: dict[str, float]  # the channel's mean per criterion this week
    criterion_counts: dict[str, int] = field(default_factory=dict)
    prior: float = RUBRIC_MIDDLE  # the channel's mean that estimates are shrunk toward
    # Members who chose not to be named (`/practice me listed no`): ranked and counted as
    # everyone, shown only to themselves.
    unlisted: frozenset[str] = frozenset()
    # The reviewers' offsets the tally applied (bias correction; empty when off): what more
    # rows' criteria are read with later (`tally.with_rows_shown`).
    offsets: dict[str, float] = field(default_factory=dict, repr=False, compare=False)
    _index: tuple[list[Row], dict[str, Row]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def active(self) -> bool:
        return bool(self.rows)

    @property
    def strongest(self) -> str | None:
        return self._notable[0]

    @property
    def weakest(self) -> str | None:
        return self._notable[1]

    @property
    def _notable(self) -> tuple[str | None, str | None]:
        return notable_criteria(self.criteria, self.criterion_counts, MIN_CHANNEL_CRITERION_SCORES)

    def row(self, user_id: str) -> Row | None:
        # By user id through a dict made on first use: `movers` looks up every row of one
        # week in the other, which was quadratic in the channel's size with a linear search.
        # Rebuilt if the rows list is replaced or changes length.
        index = self._index
        if index is None or index[0] is not self.rows or len(index[1]) != len(self.rows):
            index = self._index = (self.rows, {r.user_id: r for r in self.rows})
        return index[1].get(user_id)

    def top(self, n: int = TOP) -> list[Row]:
        return self.rows[:n]

    def named(self, user_id: str, caller: str | None = None) -> bool:
        return user_id not in self.unlisted or user_id == caller

    def top_named(self, n: int = TOP, caller: str | None = None) -> list[Row]:
        """The top `n` rows less those of members who chose not to be listed (the caller's
        own row is always theirs to see); ranks keep their numbers."""
        return [r for r in self.top(n) if self.named(r.user_id, caller)]

    def unnamed_in_top(self, n: int = TOP, caller: str | None = None) -> int:
        return sum(1 for r in self.top(n) if not self.named(r.user_id, caller))
