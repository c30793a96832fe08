"""Reliability-weighted consensus: docs/scoring.md's worked example recomputed (pure, and
through the weekly tally on each database), and its properties (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

import tests.builders as b
from bot.practice.consensus import (
    Unit,
    reliability,
    units_by_reviewer,
    weighted_mean,
    weights,
)
from bot.practice.leaderboard.tally import tally_week
from bot.practice.scoring import ScoringRules
from tests.practice.test_scoring_docs import table

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Reliability-weighted consensus"
MON = date(2026, 3, 2)


def example() -> tuple[dict[tuple[int, str], dict[str, float]], list[dict[str, str]], list]:
    """(scores as the docs' first table gives them, the reviewers' table, the answers' table)."""
    text = (ROOT / "docs" / "scoring.md").read_text().split(SECTION, 1)[1].split("\n## ", 1)[0]
    parts = text.split("\n\n")
    tables = [table("x\n" + p, "x") for p in parts if p.lstrip().startswith("| ")]
    scores_table, reviewers_table, answers_table = tables
    scores = {
        (int(row["unit"].split()[-1]), "c"): {
            r: float(row[r]) for r in ("ana", "ben", "cal") if row[r]
        }
        for row in scores_table
    }
    return scores, reviewers_table, answers_table


def test_the_worked_example_in_the_docs_is_what_the_code_computes() -> None:
    scores, reviewers, answers = example()
    units = units_by_reviewer(scores)
    assert len(reviewers) == 3 and len(answers) == 4
    for row in reviewers:
        got = reliability(units[row["reviewer"]])
        distance = sum(abs(u.score - (u.reference or 0)) for u in units[row["reviewer"]]) / 4
        assert abs(distance - float(row["d"])) < 1e-9
        assert abs(got.agreement - float(row["agreement"])) < 1e-9
        assert abs(got.spread - float(row["spread"])) < 1e-9
        assert abs(got.weight - float(row["weight"])) < 1e-9
    w = weights(scores)
    for row in answers:
        unit = scores[(int(row["answer"].split()[-1]), "c")]
        assert abs(sum(unit.values()) / len(unit) - float(row["mean"])) < 0.001
        assert abs(weighted_mean(unit, w) - float(row["weighted"])) < 0.001


def test_the_tally_scores_answers_with_the_worked_examples_weights(session: Session) -> None:
    scores, _, answers = example()
    ch = b.channel(session)
    made = {}
    for number in sorted({n for n, _ in scores}):
        post = b.post(session, ch, MON + timedelta(days=number - 1))
        answer = b.answer(session, post, f"author{number}")
        for reviewer, score in scores[(number, "c")].items():
            b.review(session, answer, reviewer, {"c": int(score)})
        made[answer.id] = number
    session.commit()
    expected = {int(r["answer"].split()[-1]): float(r["weighted"]) for r in answers}
    plain = {int(r["answer"].split()[-1]): float(r["mean"]) for r in answers}
    for rules, want in ((ScoringRules(weighted_consensus=True), expected), (ScoringRules(), plain)):
        week = tally_week(session, ch, MON, rules=rules)
        lines = {line.answer_id: line for row in week.rows for line in row.answer_lines}
        for answer_id, number in made.items():
            assert lines[answer_id].quality is not None
            assert abs(lines[answer_id].quality - want[number]) < 0.001, (number, rules)
            assert abs(lines[answer_id].raw_quality - plain[number]) < 0.001


score = st.integers(min_value=1, max_value=5)
reviewer_names = st.sampled_from(["ana", "ben", "cal", "dee", "eli"])
unit_scores = st.dictionaries(reviewer_names, score, min_size=1, max_size=5)
window = st.dictionaries(st.tuples(st.integers(0, 30), st.just("c")), unit_scores, max_size=30)


@given(window, st.dictionaries(reviewer_names, score, min_size=1, max_size=5))
def test_a_weighted_score_never_leaves_one_to_five(
    history: dict[tuple[int, str], dict[str, int]], unit: dict[str, int]
) -> None:
    w = weights({k: {r: float(s) for r, s in v.items()} for k, v in history.items()})
    got = weighted_mean({r: float(s) for r, s in unit.items()}, w)
    assert min(unit.values()) - 1e-9 <= got <= max(unit.values()) + 1e-9
    assert 1 <= got <= 5


@given(st.dictionaries(reviewer_names, score, min_size=1, max_size=5), st.floats(0.05, 1.0))
def test_with_equal_reliability_it_is_the_mean(unit: dict[str, int], weight: float) -> None:
    equal = dict.fromkeys(unit, weight)
    got = weighted_mean({r: float(s) for r, s in unit.items()}, equal)
    assert abs(got - sum(unit.values()) / len(unit)) < 1e-9


@given(
    st.integers(min_value=1, max_value=5),
    st.lists(st.tuples(score, score), min_size=8, max_size=30),
)
def test_a_reviewer_who_gives_every_answer_the_same_score_gets_little_weight(
    constant: int, others: list[tuple[int, int]]
) -> None:
    """Little: at most a third of a new reviewer's weight once they scored 8 answers with
    others, and less than any reviewer who agrees as well and tells answers apart."""
    scores = {
        (i, "c"): {"flat": float(constant), "x": float(a), "y": float(c)}
        for i, (a, c) in enumerate(others)
    }
    w = weights(scores)
    assert w["flat"] <= (0.5 * 4) / (len(others) + 4) + 1e-9
    assert w["flat"] <= 0.5 / 3 + 1e-9
    units = units_by_reviewer(scores)["flat"]
    varied = [Unit(float(1 + i % 5), u.reference) for i, u in enumerate(units)]
    if reliability(varied).agreement >= reliability(units).agreement:
        assert reliability(varied).weight >= w["flat"]
