"""A week's ranking as plain data: rows, the answer and mock lines behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.practice.scoring import (
    ScoringRules,
    tie_break_key,
)


@dataclass(frozen=True)
class AnswerLine:
    """One on-time answer and what it earned."""

    post_date: date
    answer_id: int
    reviewers: int
    raw_quality: float | None  # mean score as given
    quality: float | None  # the mean that counts (bias-corrected when the setting is on)
    quality_points: float
    participation_points: float


@dataclass(frozen=True)
class MockLine:
    match_id: int
    round: int
    mean: float
    points: float


@dataclass
class Row:
    user_id: str
    points: float = 0.0
    answers: int = 0
    reviews: int = 0  # completed reviews
    missed: int = 0  # missed reviews
    mean_quality: float | None = None  # mean of the answers' means
    first_answer_at: datetime | None = None
    criteria: dict[str, float] = field(default_factory=dict)  # the person's mean per criterion
    mocks: list[MockLine] = field(default_factory=list)
    review_points: float = 0.0
    missed_points: float = 0.0
    rank: int = 0
    # The answer lines' fields as tuples, in AnswerLine's order: a week of 5,000 people has
    # thousands of lines and only `why` reads them, so the objects are made when asked for.
    _lines: list[tuple[Any, ...]] = field(default_factory=list, repr=False)

    @property
    def answer_lines(self) -> list[AnswerLine]:
        return [AnswerLine(*line) for line in self._lines]

    @property
    def strongest(self) -> str | None:
        return _best(self.criteria)

    def sort_key(self) -> tuple[Any, ...]:
        return tie_break_key(self.points, self.answers, self.mean_quality, self.first_answer_at)


@dataclass
class Week:
    channel_pk: int
    week_start: date
    rules: ScoringRules
    rows: list[Row]
    criteria: dict[str, float]  # the channel's mean per criterion this week
    _index: tuple[list[Row], dict[str, Row]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def active(self) -> bool:
        return bool(self.rows)

    @property
    def strongest(self) -> str | None:
        return _best(self.criteria)

    @property
    def weakest(self) -> str | None:
        return _best(self.criteria, worst=True)

    def row(self, user_id: str) -> Row | None:
        # By user id through a dict made on first use: `movers` looks up every row of one
        # week in the other, which was quadratic in the channel's size with a linear search.
        # Rebuilt if the rows list is replaced or changes length.
        index = self._index
        if index is None or index[0] is not self.rows or len(index[1]) != len(self.rows):
            index = self._index = (self.rows, {r.user_id: r for r in self.rows})
        return index[1].get(user_id)

    def top(self, n: int = 10) -> list[Row]:
        return self.rows[:n]


def _best(means: dict[str, float], *, worst: bool = False) -> str | None:
    if not means:
        return None
    sign = 1 if worst else -1
    return min(means, key=lambda c: (sign * means[c], c))
