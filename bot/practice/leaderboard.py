"""The weekly tally: points per person and week, ranking with ties, streaks, movers, stats.

Query shape: everything starts from the channel's posts of one local week, found through the
(channel_pk, local_date) unique index; answers are reached by `answers.post_id` (indexed),
votes by `votes.answer_id` (the covering index ix_votes_answer_criterion), assignments by
`review_assignments.post_id` (leading column of an index), challenges by `assignment_id`
(indexed) and mock scores by `created_at` (indexed). The work grows with the week's activity,
not with the channel's history. Bias correction reads a bounded window of weeks
(`ScoringRules.bias_window_weeks`); streaks walk back page by page only while a streak lasts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, String, and_, any_, case, column, exists, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from bot.db import is_postgres
from bot.models import (
    Answer,
    Challenge,
    Channel,
    MockMatch,
    MockScore,
    PromptPost,
    ReviewAssignment,
    Vote,
)
from bot.practice.reviewer_agreement import ReviewerAgreement, reviewer_agreement
from bot.practice.schedule import (
    local_date,
    next_occurrence,
    parse_hhmm,
    parse_weekdays,
    week_bounds_utc,
    week_start,
)
from bot.practice.scoring import (
    MIN_CHANNEL_CRITERION_SCORES,
    MIN_PERSON_CRITERION_SCORES,
    RUBRIC_MIDDLE,
    ScoringRules,
    answer_points,
    channel_mean,
    exact_points,
    notable_criteria,
    quality_estimate,
    rules_for,
    tie_break_key,
)

TREND_WEEKS = 6
STREAK_PAGE = 20


@dataclass(frozen=True)
class AnswerLine:
    """One on-time answer and what it earned."""

    post_date: date
    answer_id: int
    reviewers: int
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
    criteria: dict[str, float] = field(default_factory=dict)  # the person's mean per criterion
    criterion_counts: dict[str, int] = field(default_factory=dict)
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

    def top(self, n: int = 10) -> list[Row]:
        return self.rows[:n]


def _f(value: Any) -> float:
    return float(value)  # PostgreSQL averages come back as Decimal


def week_posts_query(channel_pk: int, monday: date) -> Any:
    return select(PromptPost.id).where(
        PromptPost.channel_pk == channel_pk,
        PromptPost.local_date >= monday,
        PromptPost.local_date < monday + timedelta(days=7),
    )


def _on_time(post_ids: Any) -> Any:
    return select(Answer.id).where(
        Answer.post_id.in_(post_ids), Answer.withdrawn.is_(False), Answer.late.is_(False)
    )


def reviewer_offsets(
    session: Session, channel_pk: int, monday: date, weeks: int
) -> dict[str, float]:
    """Each reviewer's mean score minus the channel's, over `weeks` weeks ending with `monday`'s."""
    posts = select(PromptPost.id).where(
        PromptPost.channel_pk == channel_pk,
        PromptPost.local_date >= monday - timedelta(weeks=weeks - 1),
        PromptPost.local_date < monday + timedelta(days=7),
    )
    scope = Vote.answer_id.in_(_on_time(posts))
    overall = session.scalar(select(func.avg(Vote.score)).where(scope))
    if overall is None:
        return {}
    rows = session.execute(
        select(Vote.reviewer_id, func.avg(Vote.score)).where(scope).group_by(Vote.reviewer_id)
    )
    return {reviewer: _f(mean) - _f(overall) for reviewer, mean in rows}


def channel_prior(session: Session, channel_pk: int, monday: date, rules: ScoringRules) -> float:
    """The channel's mean that quality estimates are shrunk toward: the mean of its scored
    on-time answers' means over `bias_window_weeks` weeks ending with `monday`'s, as scored."""
    posts = select(PromptPost.id).where(
        PromptPost.channel_pk == channel_pk,
        PromptPost.local_date >= monday - timedelta(weeks=rules.bias_window_weeks - 1),
        PromptPost.local_date < monday + timedelta(days=7),
    )
    per_answer = (
        select(func.avg(Vote.score).label("mean"))
        .where(Vote.answer_id.in_(_on_time(posts)))
        .group_by(Vote.answer_id)
        .subquery()
    )
    count, total = session.execute(select(func.count(), func.sum(per_answer.c.mean))).one()
    return channel_mean(rules, _f(total or 0), int(count or 0))


def _answer_means(session: Session, of_week: Any) -> dict[int, tuple[float, float, int]]:
    """(raw mean, mean that counts, reviewers) per answer, without bias correction: one row
    per answer, grouped in SQL."""
    return {
        answer_id: (total / count, total / count, reviewers)
        for answer_id, total, count, reviewers in session.execute(
            select(
                Vote.answer_id,
                func.sum(Vote.score),
                func.count(),
                func.count(Vote.reviewer_id.distinct()),
            )
            .where(of_week)
            .group_by(Vote.answer_id)
        )
    }


def _answer_means_corrected(
    session: Session, of_week: Any, offsets: dict[str, float]
) -> dict[int, tuple[float, float, int]]:
    """The same with bias correction: votes summed per answer and reviewer, each reviewer's
    sum shifted by their offset."""
    per_answer: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for answer_id, reviewer, total, count in session.execute(
        select(Vote.answer_id, Vote.reviewer_id, func.sum(Vote.score), func.count())
        .where(of_week)
        .group_by(Vote.answer_id, Vote.reviewer_id)
    ):
        acc = per_answer[answer_id]
        acc[0] += _f(total)
        acc[1] += _f(total) - count * offsets.get(reviewer, 0.0)
        acc[2] += count
        acc[3] += 1  # reviewers
    return {a: (acc[0] / acc[2], acc[1] / acc[2], int(acc[3])) for a, acc in per_answer.items()}


Sums = dict[str, list[float]]  # criterion -> [sum of scores, count]


def _person_criteria(
    session: Session, on_time: tuple[Any, ...], of_week: Any, answers: Any
) -> tuple[list[tuple[str, str, float, int]], Sums]:
    """(user, criterion, sum of scores, count) for the week's on-time answers, and the
    channel's sums per criterion (exact either way: sums of integers).

    SQLite groups per person in SQL (a join it plans as index searches). PostgreSQL ran that
    join as a parallel scan of every vote whatever the filters; there the week's answers are
    given as one (id, author) array pair (`unnest`), which it joins to the votes' covering
    index in a nested loop, and the groups are sorted by byte order (`COLLATE "C"`: the same
    groups, a cheaper sort than the database's collation).
    """
    channel: Sums = defaultdict(lambda: [0.0, 0.0])
    grouped: Iterable[tuple[str, str, int, int]]
    if is_postgres(session):
        week = (
            func.unnest(
                literal([answer_id for answer_id, *_ in answers], ARRAY(Integer)),
                literal([user_id for _, _, user_id, _ in answers], ARRAY(String)),
            )
            .table_valued(column("id", Integer), column("user_id", String))
            .render_derived(name="week_answers")
        )
        user, criterion = week.c.user_id.collate("C"), Vote.criterion.collate("C")
        grouped = session.execute(
            select(user, criterion, func.sum(Vote.score), func.count())
            .select_from(Vote)
            .join(week, Vote.answer_id == week.c.id)
            .group_by(user, criterion)
        )
    else:
        grouped = session.execute(
            select(Answer.user_id, Vote.criterion, func.sum(Vote.score), func.count())
            .join(Vote, Vote.answer_id == Answer.id)
            .where(*on_time)
            .group_by(Answer.user_id, Vote.criterion)
        )
    people = []
    for user_id, criterion, total, count in grouped:
        people.append((user_id, criterion, _f(total), count))
        acc = channel[criterion]
        acc[0] += total
        acc[1] += count
    return people, channel


def _person_criteria_corrected(
    session: Session, of_week: Any, offsets: dict[str, float], answers: Any
) -> tuple[list[tuple[str, str, float, int]], Sums]:
    """The same with bias correction: grouped per answer, criterion and reviewer (no join:
    PostgreSQL scanned both tables for the join), each reviewer's sums shifted."""
    author = {answer_id: user_id for answer_id, _, user_id, _ in answers}
    person: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    channel: Sums = defaultdict(lambda: [0.0, 0.0])
    keys = [Vote.answer_id, Vote.criterion, Vote.reviewer_id]
    for answer_id, criterion, reviewer, total, count in session.execute(
        select(*keys, func.sum(Vote.score), func.count()).where(of_week).group_by(*keys)
    ):
        corrected = _f(total) - count * offsets.get(reviewer, 0.0)
        for acc in (person[(author[answer_id], criterion)], channel[criterion]):
            acc[0] += corrected
            acc[1] += count
    people = [
        (user, criterion, total, count) for (user, criterion), (total, count) in person.items()
    ]
    return people, channel


def tally_week(
    session: Session, channel: Channel, monday: date, *, rules: ScoringRules | None = None
) -> Week:
    """Every person's points for the channel's Monday-Sunday week starting on `monday`."""
    rules = rules or rules_for(channel)
    posts = week_posts_query(channel.id, monday)
    post_dates = dict(
        session.execute(
            select(PromptPost.id, PromptPost.local_date).where(PromptPost.id.in_(posts))
        ).all()
    )
    rows: dict[str, Row] = {}

    def row(user_id: str) -> Row:
        if user_id not in rows:
            rows[user_id] = Row(user_id)
        return rows[user_id]

    if not post_dates:
        return Week(channel.id, monday, rules, [], {})

    offsets = (
        reviewer_offsets(session, channel.id, monday, rules.bias_window_weeks)
        if rules.bias_correction
        else {}
    )
    # The week's post ids as literal values (a handful), not a subquery: with the subquery
    # PostgreSQL misestimated and scanned every answer of the channel's history in each of the
    # queries below, so the tally's cost grew with the history instead of the week.
    post_ids = sorted(post_dates)
    # On-time answers as a join condition rather than `answers.id IN (SELECT ...)`, which
    # PostgreSQL ran as a hash join over a full scan of `answers`.
    on_time = (Answer.post_id.in_(post_ids), Answer.withdrawn.is_(False), Answer.late.is_(False))

    answers = session.execute(
        select(Answer.id, Answer.post_id, Answer.user_id, Answer.answered_at)
        .where(*on_time)
        .order_by(Answer.answered_at, Answer.id)
    ).all()
    # Votes of those answers. PostgreSQL is given the answer ids as one array: with a subquery
    # or a join it chose a parallel scan of every vote in the table (300 ms at a year of
    # history); the array gets an index scan of the week's votes (50 ms). SQLite plans the
    # subquery well and has a bound on parameters, so it keeps the subquery.
    if is_postgres(session):
        ids = literal([answer_id for answer_id, *_ in answers], ARRAY(Integer))
        of_week = Vote.answer_id == any_(ids)
    else:
        of_week = Vote.answer_id.in_(select(Answer.id).where(*on_time))

    # (raw mean, counted mean, reviewers) per answer; both means over every reviewer and
    # criterion. All of it comes from the covering index ix_votes_answer_criterion.
    per_answer = (
        _answer_means_corrected(session, of_week, offsets)
        if offsets
        else _answer_means(session, of_week)
    )

    participation = rules.participation
    for answer_id, post_id, user_id, answered_at in answers:
        r = rows.get(user_id)
        if r is None:
            r = rows[user_id] = Row(user_id, first_answer_at=answered_at)
        means = per_answer.get(answer_id)
        raw, quality, reviewers = means if means is not None else (None, None, 0)
        # An AnswerLine's fields as a tuple: the lines are built only when asked for (`why`).
        r._lines.append(
            (
                post_dates[post_id],
                answer_id,
                reviewers,
                raw,
                quality,
                0.0,  # quality points: set once the author's estimate is known
                participation,
            )
        )
        r.answers += 1

    # Per person and criterion (and the channel's per criterion).
    if offsets:
        people, channel_criteria = _person_criteria_corrected(session, of_week, offsets, answers)
    else:
        people, channel_criteria = _person_criteria(session, on_time, of_week, answers)
    for user_id, criterion, total, count in people:
        rows[user_id].criteria[criterion] = total / count
        rows[user_id].criterion_counts[criterion] = int(count)

    # Reviews: completed (challenge posted and scored) and missed, per reviewer.
    challenged = exists().where(Challenge.assignment_id == ReviewAssignment.id)
    completed = case((and_(ReviewAssignment.scored_at.is_not(None), challenged), 1), else_=0)
    missed = case((ReviewAssignment.missed.is_(True), 1), else_=0)
    for reviewer, done, miss in session.execute(
        select(ReviewAssignment.reviewer_id, func.sum(completed), func.sum(missed))
        .where(ReviewAssignment.post_id.in_(post_ids))
        .group_by(ReviewAssignment.reviewer_id)
    ):
        if not done and reviewer not in rows:
            continue  # only missed reviews: nothing to rank
        r = row(reviewer)
        r.reviews, r.missed = int(done or 0), int(miss or 0)
        r.review_points = rules.review_credit * r.reviews
        r.missed_points = -rules.missed_review * r.missed

    if rows:
        _add_mock_rounds(session, channel, monday, rules, rows)
    prior = channel_prior(session, channel.id, monday, rules)
    for r in rows.values():
        _finish_row(r, rules, prior)

    ranked = sorted(rows.values(), key=lambda r: (r.sort_key(), r.user_id))
    previous: tuple[Any, ...] | None = None
    for position, r in enumerate(ranked, start=1):
        key = r.sort_key()
        r.rank = ranked[position - 2].rank if key == previous else position
        previous = key
    criteria = {c: total / count for c, (total, count) in channel_criteria.items()}
    counts = {c: int(count) for c, (_, count) in channel_criteria.items()}
    return Week(channel.id, monday, rules, ranked, criteria, counts, prior)


def _add_mock_rounds(
    session: Session, channel: Channel, monday: date, rules: ScoringRules, rows: dict[str, Row]
) -> None:
    """Scored mock rounds of the week, for people active in the channel this week: the
    workspace's rounds (through the created_at index) kept here for the people with a row,
    rather than an IN list of every active person (5,000 bound parameters). A round counts for
    its candidate (credit, and its mean in the estimate) and for its interviewer (credit)."""
    start, end = week_bounds_utc(monday, channel.timezone)
    for candidate, interviewer, match_id, round_, mean in session.execute(
        select(
            MockScore.candidate_id,
            MockScore.interviewer_id,
            MockScore.match_id,
            MockScore.round,
            func.avg(MockScore.score),
        )
        .join(MockMatch, MockMatch.id == MockScore.match_id)
        .where(
            MockMatch.team_id == channel.team_id,
            MockScore.created_at >= start,
            MockScore.created_at < end,
        )
        .group_by(
            MockScore.candidate_id, MockScore.interviewer_id, MockScore.match_id, MockScore.round
        )
        .order_by(MockScore.match_id, MockScore.round)
    ):
        if candidate in rows:
            rows[candidate].mocks.append(MockLine(match_id, round_, _f(mean), rules.review_credit))
        if interviewer in rows:
            rows[interviewer].interviews += 1


def _finish_row(r: Row, rules: ScoringRules, prior: float) -> None:
    """The row's estimate, each answer's quality points and the total (one formula:
    `scoring.exact_points`)."""
    means = [line[4] for line in r._lines]
    scored = [q for q in means if q is not None]
    mocks = [m.mean for m in r.mocks]
    r.mean_quality = sum(scored) / len(scored) if scored else None
    r.quality = quality_estimate(rules, scored, mocks, prior)
    per_answer = answer_points(rules, r.quality) - rules.participation
    r._lines = [(*line[:5], per_answer, line[6]) for line in r._lines]
    total = exact_points(
        rules,
        answer_means=means,
        reviews=r.reviews,
        missed=r.missed,
        mock_means=mocks,
        interviews=r.interviews,
        prior=prior,
    )
    r.points = round(total, 1)


# --- streaks ---------------------------------------------------------------------------------


def current_streaks(
    session: Session,
    channel: Channel,
    users: Iterable[str],
    until: date,
    *,
    now: datetime | None = None,
) -> dict[str, int]:
    """Consecutive practice days (the channel's posts) each user answered on time, counted back
    from the last post on or before `until`. With `now`, a post whose answers are still open
    and that the user has not answered yet neither counts nor breaks the streak.

    Walks back a page of posts at a time and stops as soon as every streak has ended.
    """
    streaks = {u: 0 for u in users}
    alive = set(streaks)
    cursor = until
    while alive:
        page = session.execute(
            select(PromptPost.id, PromptPost.local_date, PromptPost.answers_close_at)
            .where(
                PromptPost.channel_pk == channel.id,
                PromptPost.local_date <= cursor,
                PromptPost.message_ts.is_not(None),
            )
            .order_by(PromptPost.local_date.desc())
            .limit(STREAK_PAGE)
        ).all()
        if not page:
            break
        answered: dict[int, set[str]] = defaultdict(set)
        for post_id, user_id in session.execute(
            select(Answer.post_id, Answer.user_id).where(
                Answer.post_id.in_([p[0] for p in page]),
                Answer.user_id.in_(sorted(alive)),
                Answer.withdrawn.is_(False),
                Answer.late.is_(False),
            )
        ):
            answered[post_id].add(user_id)
        for post_id, _day, closes in page:
            still_open = now is not None and closes > now
            for user in list(alive):
                if user in answered[post_id]:
                    streaks[user] += 1
                elif not still_open:
                    alive.discard(user)
        cursor = page[-1][1] - timedelta(days=1)
        if len(page) < STREAK_PAGE:
            break
    return streaks


# --- movers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mover:
    user_id: str
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before


def movers(this: Week, previous: Week, limit: int = 3) -> list[Mover]:
    """Most improved: the biggest rises in mean answer quality over the previous week."""
    result = []
    for r in this.rows:
        before = previous.row(r.user_id)
        if r.mean_quality is None or before is None or before.mean_quality is None:
            continue
        if r.mean_quality > before.mean_quality + 1e-9:
            result.append(Mover(r.user_id, before.mean_quality, r.mean_quality))
    result.sort(key=lambda m: (-m.delta, m.user_id))
    return result[:limit]


# --- trends ------------------------------------------------------------------------------------


def criterion_trend(
    session: Session,
    channel: Channel,
    last_monday: date,
    *,
    weeks: int = TREND_WEEKS,
    user_id: str | None = None,
) -> list[tuple[date, dict[str, float]]]:
    """Mean score per criterion for each of the `weeks` weeks ending with `last_monday`'s
    (as given, without bias correction); for one user's answers when `user_id` is set."""
    first = last_monday - timedelta(weeks=weeks - 1)
    posts = select(PromptPost.id).where(
        PromptPost.channel_pk == channel.id,
        PromptPost.local_date >= first,
        PromptPost.local_date < last_monday + timedelta(days=7),
    )
    query = (
        select(PromptPost.local_date, Vote.criterion, func.sum(Vote.score), func.count())
        .join(Answer, Answer.id == Vote.answer_id)
        .join(PromptPost, PromptPost.id == Answer.post_id)
        .where(Vote.answer_id.in_(_on_time(posts)))
        .group_by(PromptPost.local_date, Vote.criterion)
    )
    if user_id is not None:
        query = query.where(Answer.user_id == user_id)
    sums: dict[date, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for day, criterion, total, count in session.execute(query):
        acc = sums[week_start(day)][criterion]
        acc[0] += _f(total)
        acc[1] += count
    return [
        (
            monday,
            {c: t / n for c, (t, n) in sorted(sums[monday].items())} if monday in sums else {},
        )
        for monday in (first + timedelta(weeks=i) for i in range(weeks))
    ]


# --- personal stats ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalStats:
    user_id: str
    channel_id: str
    week_start: date
    row: Row | None  # this week so far
    rank: int | None
    ranked: int  # how many people are ranked this week
    last_week_rank: int | None
    streak: int
    reviews_this_week: int
    reviews_recent: int  # completed reviews over the trend window
    trend: list[tuple[date, dict[str, float]]]
    agreement: ReviewerAgreement | None = None  # how their scores compare with others'


def completed_reviews(session: Session, channel: Channel, user_id: str, since: date) -> int:
    posts = select(PromptPost.id).where(
        PromptPost.channel_pk == channel.id, PromptPost.local_date >= since
    )
    challenged = exists().where(Challenge.assignment_id == ReviewAssignment.id)
    return int(
        session.scalar(
            select(func.count()).where(
                ReviewAssignment.post_id.in_(posts),
                ReviewAssignment.reviewer_id == user_id,
                ReviewAssignment.scored_at.is_not(None),
                challenged,
            )
        )
        or 0
    )


def personal_stats(
    session: Session, channel: Channel, user_id: str, now: datetime
) -> PersonalStats:
    """`/practice stats` and the App Home: one person's progress in one channel."""
    today = local_date(now, channel.timezone)
    monday = week_start(today)
    this = tally_week(session, channel, monday)
    last = tally_week(session, channel, monday - timedelta(days=7))
    row = this.row(user_id)
    last_row = last.row(user_id)
    trend = criterion_trend(session, channel, monday, user_id=user_id)
    streak = current_streaks(session, channel, [user_id], today, now=now)[user_id]
    return PersonalStats(
        user_id=user_id,
        channel_id=channel.channel_id,
        week_start=monday,
        row=row,
        rank=row.rank if row else None,
        ranked=len(this.rows),
        last_week_rank=last_row.rank if last_row else None,
        streak=streak,
        reviews_this_week=row.reviews if row else 0,
        reviews_recent=completed_reviews(
            session, channel, user_id, monday - timedelta(weeks=TREND_WEEKS - 1)
        ),
        trend=trend,
        agreement=reviewer_agreement(session, channel, user_id, now),
    )


def has_activity(session: Session, channel: Channel, user_id: str, since: date) -> bool:
    """Did the user answer or get an assignment in the channel's posts from `since` on?"""
    posts = select(PromptPost.id).where(
        PromptPost.channel_pk == channel.id, PromptPost.local_date >= since
    )
    answered = session.scalar(
        select(Answer.id).where(Answer.post_id.in_(posts), Answer.user_id == user_id).limit(1)
    )
    if answered is not None:
        return True
    return (
        session.scalar(
            select(ReviewAssignment.id)
            .where(ReviewAssignment.post_id.in_(posts), ReviewAssignment.reviewer_id == user_id)
            .limit(1)
        )
        is not None
    )


# --- App Home ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeItem:
    channel: Channel
    stats: PersonalStats | None  # None: no activity of the user's there in the recent weeks
    next_prompt_at: datetime | None


def home_items(session: Session, team_id: str, user_id: str, now: datetime) -> list[HomeItem]:
    """The user's practice channels of the workspace (active ones first) for the App Home."""
    channels = session.scalars(
        select(Channel)
        .where(Channel.team_id == team_id, Channel.paused.is_(False))
        .order_by(Channel.id)
    ).all()
    items = []
    for channel in channels:
        since = week_start(local_date(now, channel.timezone)) - timedelta(weeks=TREND_WEEKS - 1)
        stats = (
            personal_stats(session, channel, user_id, now)
            if has_activity(session, channel, user_id, since)
            else None
        )
        upcoming = next_occurrence(
            now,
            parse_hhmm(channel.post_time),
            parse_weekdays(channel.weekdays),
            channel.timezone,
        )
        items.append(HomeItem(channel, stats, upcoming))
    items.sort(key=lambda item: item.stats is None)
    return items
