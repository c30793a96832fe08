"""The review-week simulation (bench/review_week.py, docs/scoring.md "Measured") runs, small,
and its mechanisms move the share the way the documented figure says."""

from __future__ import annotations

from dataclasses import replace

from bench.review_week import Assumptions, simulate, table


def test_a_small_simulated_run_gives_every_variant_and_the_mechanisms_help() -> None:
    before = simulate(20, seed=3, standins=False, give_to_get=False)
    both = simulate(20, seed=3, standins=True, give_to_get=True)
    assert before.answers == both.answers > 0  # the same members and days in each variant
    assert before.standin_reviews == 0 < both.standin_reviews
    assert both.share > before.share
    assert len(table(5, seed=3)) == 2 + 4


def test_without_reviewers_who_ever_show_only_stand_ins_get_answers_reviewed() -> None:
    nobody = replace(Assumptions(), review_rate=(0.0, 0.0), give_to_get_lift=0.0)
    alone = simulate(10, seed=2, standins=False, give_to_get=False, assumptions=nobody)
    assert alone.reviewed == 0
    helped = simulate(10, seed=2, standins=True, give_to_get=False, assumptions=nobody)
    # Nobody did their own reviews, so only volunteers can stand in: some answers are saved.
    assert 0 < helped.reviewed < helped.answers


def test_the_same_seed_gives_the_same_figure() -> None:
    first = simulate(5, seed=9, standins=True, give_to_get=True)
    assert simulate(5, seed=9, standins=True, give_to_get=True) == first
