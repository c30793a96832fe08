"""Leaderboard surfaces: the weekly post, `/practice leaderboard [last | why @user]`, `stats`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from bot.practice.leaderboard.stats import PersonalStats
from bot.practice.leaderboard.week import TOP, Row, Week
from bot.practice.scoring import ScoringRules
from bot.practice.weekly_post import WeeklyReport
from bot.slack.render.agreement import agreement_lines, channel_agreement_section
from bot.slack.render.review_feedback import helpfulness_line, prediction_trend_line
from bot.slack.render.text import clip, context_line, header, mention, section


def week_label(monday: date) -> str:
    sunday = monday + timedelta(days=6)
    return f"{monday.day} {monday:%b} to {sunday.day} {sunday:%b %Y}"


def criterion_label(names: Mapping[str, str], criterion: str | None) -> str:
    if criterion is None:
        return "-"
    return names.get(criterion, criterion)


def _n(value: float) -> str:
    return f"{value:g}"


IRREGULAR = {"person": "people"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else IRREGULAR.get(word, word + 's')}"


def row_line(row: Row, names: Mapping[str, str]) -> str:
    """One ranked row: points, activity (missed reviews and mock rounds included) and, when the
    person has enough scores on it, their strongest criterion with its mean."""
    parts = [_plural(row.answers, "answer"), _plural(row.reviews, "review")]
    if row.interviews or row.mocks:
        parts.append(_plural(row.interviews + len(row.mocks), "mock round"))
    if row.missed:
        parts.append(f"{row.missed} missed")
    best = row.strongest
    if best is not None:
        parts.append(f"strongest: {criterion_label(names, best)} ({row.criteria[best]:.1f})")
    return (
        f"*{row.rank}.* {mention(row.user_id)}: *{_n(row.points)} "
        f"{'pt' if row.points == 1 else 'pts'}* · " + " · ".join(parts)
    )


def unlisted_line(count: int) -> str:
    """Counted, not named: the ranking's places above stay as they were."""
    who = "1 member" if count == 1 else f"{count} members"
    return f"{who} in the top {TOP} chose not to be listed."


def streak_line(weeks: int, freezes: int, this_week: bool) -> str:
    """The forgiving weekly streak, with the freezes that keep it through a missed week."""
    text = f"{_plural(weeks, 'practice week')} in a row"
    if freezes:
        text += f" ({_plural(freezes, 'freeze')} in hand: a missed week uses one)"
    if weeks and not this_week:
        text += "; practise this week to add to it"
    return text


def _section(text: str) -> dict[str, Any]:
    return section(text).to_dict()


def _context(text: str) -> dict[str, Any]:
    return context_line(text).to_dict()


def _header(text: str) -> dict[str, Any]:
    return header(text).to_dict()


def mocks_line(held: int, waiting: int) -> str:
    """The weekly post's one line about mocks."""
    return (
        f"Mock interviews: {_plural(held, 'mock')} held this week; {waiting} waiting for a "
        "partner now (`/mock` to join)."
    )


def weekly_blocks(report: WeeklyReport) -> tuple[str, list[dict[str, Any]]]:
    week, names = report.week, report.criterion_names
    title = f"Leaderboard: {week_label(week.week_start)}"
    blocks = [_header(f":trophy: {title}")]
    blocks.append(_section("\n".join(row_line(r, names) for r in week.top_named(TOP))))
    if unnamed := week.unnamed_in_top(TOP):
        blocks.append(_context(unlisted_line(unnamed)))
    if report.movers:
        lines = [
            f"{mention(m.user_id)} {m.before:.1f} → {m.after:.1f} (+{m.delta:.1f})"
            for m in report.movers
        ]
        blocks.append(
            _section(
                "*Most improved* (mean answer score against their own last 4 weeks)\n"
                + "\n".join(lines)
            )
        )
    if report.helpful:
        lines = [
            f"{mention(h.user_id)} {h.helpful} of {_plural(h.rated, 'rated review')} helpful"
            for h in report.helpful
        ]
        blocks.append(_section("*Most helpful reviewers* (authors' ratings)\n" + "\n".join(lines)))
    if report.mocks_held:
        lines = [f"{mention(u)} {_plural(n, 'mock round')}" for u, n in report.mocks_held]
        blocks.append(_section("*Mocks held*\n" + "\n".join(lines)))
    # A streak is news from two weeks on.
    streaks = sorted(
        ((u, n) for u, n in report.streaks.items() if n >= 2), key=lambda kv: (-kv[1], kv[0])
    )[:5]
    if streaks:
        lines = [f"{mention(u)} {_plural(n, 'practice week')} in a row" for u, n in streaks]
        blocks.append(_section("*Streaks*\n" + "\n".join(lines)))
    notable = [
        f"*Channel's {label} criterion:* {criterion_label(names, c)} "
        f"({week.criteria[c]:.1f} / 5 from {week.criterion_counts.get(c, 0)} scores)"
        for label, c in (("strongest", week.strongest), ("weakest", week.weakest))
        if c is not None
    ]
    if notable:
        blocks.append(_section("\n".join(notable)))
    agreement = channel_agreement_section(report.agreement, names)
    if agreement is not None:
        blocks.append(agreement)
    if report.mocks is not None:
        blocks.append(_context(mocks_line(report.mocks.held, report.mocks.waiting)))
    ranked = len(week.rows)
    blocks.append(
        _context(
            f"{_plural(ranked, 'person')} ranked. How points are made: `/practice help`; "
            "one row explained: `/practice leaderboard why @name`; "
            "your progress: `/practice stats`."
        )
    )
    return title, blocks


def standings_blocks(
    week: Week, *, caller: str, names: Mapping[str, str], last: bool
) -> tuple[str, list[dict[str, Any]]]:
    """The ephemeral `/practice leaderboard [last]`: the top ten, and the caller's row."""
    which = "Last week" if last else "This week so far"
    title = f"{which}: {week_label(week.week_start)}"
    if not week.rows:
        text = f"*{title}*\nNo answers or reviews yet" + (
            "." if last else ": answer today's prompt in its thread to get on the board."
        )
        return text, [_section(text)]
    lines = [row_line(r, names) for r in week.top_named(TOP, caller)]
    if unnamed := week.unnamed_in_top(TOP, caller):
        lines.append(f"_{unlisted_line(unnamed)}_")
    mine = week.row(caller)
    if mine is not None and mine.rank > TOP:
        lines.append("…")
        lines.append(row_line(mine, names))
    blocks = [_section(f"*{title}*\n" + "\n".join(lines))]
    if mine is None:
        blocks.append(
            _context("You are not on this board: an on-time answer or a review gets you on.")
        )
    blocks.append(_context("Why a row has its points: `/practice leaderboard why @name`."))
    return title, blocks


def why_text(
    week: Week, user_id: str, *, names: Mapping[str, str], last: bool, caller: str | None = None
) -> str:
    """How one row's points were made, line by line (the formula of the README). A member
    who chose not to be listed is explained only to themselves."""
    rules: ScoringRules = week.rules
    which = "last week" if last else "this week"
    if not week.named(user_id, caller):
        return f"{mention(user_id)} chose not to be listed on the leaderboard."
    row = week.row(user_id)
    if row is None:
        return (
            f"{mention(user_id)} has no points {which} ({week_label(week.week_start)}): "
            "no on-time answers and no completed reviews."
        )
    lines = [
        f"*{mention(user_id)}: {_n(row.points)} {'point' if row.points == 1 else 'points'} "
        f"{which}, rank {row.rank} of "
        f"{len(week.rows)}* ({week_label(week.week_start)})"
    ]
    if row.answers:
        lines.append(_estimate_line(row, week))
    lines.extend(_answer_lines(row, rules))
    lines.extend(_work_lines(row, rules))
    lines.append(
        f"Tie-breaks: {_plural(row.answers, 'answer')}, quality estimate {row.quality:.2f}, "
        "first answer "
        + (f"{row.first_answer_at:%a %H:%M} UTC" if row.first_answer_at else "-")
        + "."
    )
    if rules.bias_correction:
        lines.append("_Reviewer-bias correction is on in this channel._")
    if rules.weighted_consensus:
        lines.append("_Reviewers are weighted by reliability in this channel._")
    return "\n".join(lines)


def _estimate_line(row: Row, week: Week) -> str:
    rules = week.rules
    scored = [line.quality for line in row.answer_lines if line.quality is not None]
    evidence = (
        f"the mean of {_plural(len(scored), 'scored answer')}, {row.mean_quality:.2f}"
        if row.mean_quality is not None
        else "no scored answers yet"
    )
    if row.mocks:
        evidence += (
            f", and {_plural(len(row.mocks), 'mock round')} at {_n(rules.mock_weight)} weight"
        )
    elif row.mean_quality is None:
        return (
            f"• Quality estimate Q = {row.quality:.2f}, the channel's mean: none of the answers "
            "was scored, and a missing score neither lowers nor raises anyone"
        )
    return (
        f"• Quality estimate Q = {row.quality:.2f}: {evidence}, pulled toward the channel's "
        f"mean {week.prior:.2f} as if {_n(rules.shrinkage)} more answers had scored it"
    )


def _answer_lines(row: Row, rules: ScoringRules) -> list[str]:
    lines = []
    for line in row.answer_lines:
        day = f"{line.post_date:%a} {line.post_date.day} {line.post_date:%b}"
        if line.quality is None:
            how = "not scored: counts at your estimate"
        else:
            adjusted = [
                name
                for name, on in (
                    ("bias correction", rules.bias_correction),
                    ("reliability weights", rules.weighted_consensus),
                )
                if on
            ]
            corrected = (
                f", {line.raw_quality:.2f} before {' and '.join(adjusted)}"
                if adjusted and line.raw_quality is not None
                else ""
            )
            scored_by = (
                f" from {_plural(line.reviewers, 'reviewer')}" if line.reviewers is not None else ""
            )
            how = f"mean score {line.quality:.2f}{scored_by}{corrected}"
        earned = line.participation_points + line.quality_points
        lines.append(
            f"• {day}: answer on time, {how} → {_n(line.participation_points)} + "
            f"{_n(rules.quality_weight)} x Q = +{earned:.1f}"
        )
    return lines


def _work_lines(row: Row, rules: ScoringRules) -> list[str]:
    lines = []
    if row.reviews:
        lines.append(
            f"• {_plural(row.reviews, 'completed review')} x {_n(rules.review_credit)} = "
            f"+{_n(row.review_points)}"
        )
    if row.interviews:
        lines.append(
            f"• {_plural(row.interviews, 'mock round')} as the interviewer x "
            f"{_n(rules.review_credit)} = +{_n(rules.review_credit * row.interviews)}"
        )
    for mock in row.mocks:
        lines.append(
            f"• mock round {mock.round} as the candidate, mean score {mock.mean:.2f} (in Q) "
            f"= +{_n(mock.points)}"
        )
    if row.missed:
        lines.append(
            f"• {_plural(row.missed, 'missed review')}: "
            + (f"{_n(row.missed_points)}" if row.missed_points else "nothing taken off")
        )
    return lines


def _change(points: list[tuple[date, float]]) -> str:
    """The latest weekly mean and how it moved since the first week with scores."""
    (first_day, first), (_, last) = points[0], points[-1]
    if len(points) == 1:
        return f"{last:.1f} (one week scored so far)"
    delta = last - first
    since = f"since {first_day.day} {first_day:%b}"
    if abs(delta) < 0.05:
        return f"{last:.1f}, steady {since}"
    return f"{last:.1f}, {'up' if delta > 0 else 'down'} {abs(delta):.1f} {since}"


def trend_lines(trend: list[tuple[date, dict[str, float]]], names: Mapping[str, str]) -> list[str]:
    """One line per criterion with scores, in the rubric's order: where it is, where it went."""
    seen = {c for _, means in trend for c in means}
    order = [c for c in names if c in seen] + sorted(seen - set(names))
    lines = []
    for criterion in order:
        points = [(day, means[criterion]) for day, means in trend if criterion in means]
        lines.append(f"• {criterion_label(names, criterion)}: {_change(points)}")
    return lines


def stats_text(stats: PersonalStats, names: Mapping[str, str]) -> str:
    """`/practice stats` and the App Home: rank, streak, reviews, per-criterion trend."""
    lines = [f"*Your practice in <#{stats.channel_id}>*"]
    if stats.rank is not None and stats.row is not None:
        lines.append(
            f"• This week: rank {stats.rank} of {stats.ranked}, {_n(stats.row.points)} "
            f"{'point' if stats.row.points == 1 else 'points'}, "
            f"{_plural(stats.row.answers, 'answer')}"
        )
    else:
        lines.append("• This week: not on the board yet")
    if stats.last_week_rank is not None:
        lines.append(f"• Last week: rank {stats.last_week_rank}")
    lines.append(f"• Streak: {streak_line(stats.streak, stats.freezes, stats.practised_this_week)}")
    lines.append(
        f"• Reviews done: {stats.reviews_this_week} this week, {stats.reviews_recent} in the "
        f"last {len(stats.trend)} weeks"
    )
    trend = trend_lines(stats.trend, names)
    if trend:
        first = stats.trend[0][0]
        lines.append(
            f"*Your mean score per criterion* (latest week with scores; weeks since "
            f"{first.day} {first:%b})"
        )
        lines.extend(trend)
    else:
        lines.append("_No scores on your answers in the last weeks yet._")
    if stats.agreement is not None:
        lines.extend(agreement_lines(stats.agreement))
    lines += [
        line
        for line in (
            helpfulness_line(stats.helpfulness),
            prediction_trend_line(list(stats.predictions)),
        )
        if line
    ]
    return "\n".join(lines)


ALT_TEXT_LIMIT = 1000


def chart_alt_text(report: WeeklyReport, people: Mapping[str, str]) -> str:
    """What the weekly chart shows, for screen readers and for anyone whose image fails."""
    top = report.week.top_named(TOP)
    bars = ", ".join(f"{people.get(r.user_id, r.user_id)} {_n(r.points)}" for r in top)
    text = f"Bar chart of points, {week_label(report.week.week_start)}: {bars or 'nobody'}."
    if report.trend:
        latest = report.trend[-1][1]
        means = "; ".join(
            f"{criterion_label(report.criterion_names, c)} {m:.1f}"
            for c, m in sorted(latest.items(), key=lambda kv: -kv[1])
        )
        text += (
            f" Line chart of the channel's mean score per criterion over "
            f"{_plural(len(report.trend), 'week')}; this week: {means or 'no scores'}."
        )
    return clip(text, ALT_TEXT_LIMIT)
