"""Reviewer agreement: Krippendorff's alpha against the published example and the worked
example of docs/scoring.md; per-reviewer distances; the database reads behind them."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.practice.agreement import all_peer_pairs, gap, krippendorff_alpha, peer_pairs
from bot.practice.calibration import CalibrationError, SampleRef, record_calibration
from bot.practice.reviewer_agreement import (
    channel_agreement,
    reviewer_agreement,
    shown_agreement,
)
from tests import builders as b
from tests.conftest import utc
from tests.practice.test_scoring_docs import table

ROOT = Path(__file__).resolve().parents[2]
MON = date(2026, 3, 2)

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", C.3: 4 observers, 12 units.
PUBLISHED = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_alpha_matches_krippendorffs_published_example() -> None:
    units = {u: [row[u] for row in PUBLISHED if row[u] is not None] for u in range(12)}
    interval = krippendorff_alpha(units, "interval")  # type: ignore[arg-type]
    ordinal = krippendorff_alpha(units, "ordinal")  # type: ignore[arg-type]
    assert interval.value == pytest.approx(0.849, abs=5e-4) and interval.units == 11
    assert ordinal.value == pytest.approx(0.815, abs=5e-4)


def test_alpha_is_one_for_full_agreement_and_undefined_without_variation() -> None:
    assert krippendorff_alpha({1: [2, 2], 2: [4, 4]}).value == 1.0
    assert krippendorff_alpha({1: [3, 3], 2: [3, 3]}).value is None
    assert krippendorff_alpha({1: [3]}).value is None


def test_docs_worked_example_is_what_the_code_computes() -> None:
    docs = (ROOT / "docs" / "scoring.md").read_text()
    rows = table(docs, "## Reviewer agreement")
    people = [k for k in rows[0] if k != "unit"]
    units = {
        r["unit"]: {p: float(r[p]) for p in people if r[p]} for r in rows
    }  # unit -> person -> score
    alpha = krippendorff_alpha({u: list(s.values()) for u, s in units.items()})
    stated = re.search(r"alpha = 1 - 6 x 6 / 104 = \*\*([0-9.]+)\*\*", docs)
    assert stated is not None and alpha.value == pytest.approx(float(stated.group(1)), abs=5e-4)
    assert alpha.scores == 7 and alpha.units == 3
    ana = gap(peer_pairs(units, "ana"))
    distance = re.search(r"\*\*([0-9.]+)\*\* points on average, \*\*(\d+)%\*\*", docs)
    assert distance is not None and ana.mean_gap is not None
    assert ana.mean_gap == pytest.approx(float(distance.group(1)), abs=5e-3)
    assert ana.within_one == float(distance.group(2)) / 100 and ana.scores == 3


def test_the_channel_figure_covers_every_reviewer_of_every_unit() -> None:
    units = {"a": {"x": 1.0, "y": 3.0}, "b": {"x": 5.0}}
    assert sorted(all_peer_pairs(units)) == [(1.0, 3.0), (3.0, 1.0)]


def test_weekly_alpha_and_a_reviewers_distances_from_votes_and_samples(
    session: Session,
) -> None:
    ch = b.channel(session)
    p = b.post(session, ch, MON)
    answers = [b.answer(session, p, f"author{i}", minutes=i) for i in range(4)]
    for a, (x, y) in zip(answers, ((4, 5), (2, 2), (3, 4), (1, 1)), strict=True):
        b.review(session, a, "ana", {"focus": x})
        b.review(session, a, "ben", {"focus": y})
    sample = SampleRef("pmm", "some-prompt", "weak")
    record_calibration(
        session,
        ch,
        "ana",
        sample,
        {"focus": 2, "outcome": 1},
        {"focus": 1, "outcome": 1},
        utc(2026, 3, 3, 12),
    )
    record_calibration(session, ch, "ben", sample, {"focus": 1}, {"focus": 1}, utc(2026, 3, 3))
    session.commit()
    agreement = channel_agreement(session, ch, MON)
    focus = agreement["focus"]
    assert focus.units == 5 and focus.scores == 10 and focus.value is not None
    assert "focus" in shown_agreement(agreement)
    assert "outcome" not in shown_agreement(agreement)  # one score: no unit
    mine = reviewer_agreement(session, ch, "ana", utc(2026, 3, 6, 12))
    # ana vs ben on 5 units: 1, 0, 1, 0 and the sample 1: mean 0.6
    assert mine.peers.scores == 5 and mine.peers.mean_gap == pytest.approx(0.6)
    assert mine.reference.scores == 2 and mine.reference.mean_gap == pytest.approx(0.5)


def test_calibration_keeps_only_criteria_the_pack_scored(session: Session) -> None:
    ch = b.channel(session)
    sample = SampleRef("pmm", "p", "strong")
    with pytest.raises(CalibrationError):
        record_calibration(session, ch, "ana", sample, {"x": 3}, {"focus": 5}, utc(2026, 3, 3))
    assert (
        record_calibration(
            session, ch, "ana", sample, {"focus": 3, "x": 3}, {"focus": 5}, utc(2026, 3, 3)
        )
        == 1
    )
    # A second submission replaces the first.
    record_calibration(session, ch, "ana", sample, {"focus": 4}, {"focus": 5}, utc(2026, 3, 4))
    session.commit()
    mine = reviewer_agreement(session, ch, "ana", utc(2026, 3, 5))
    assert mine.reference.scores == 1 and mine.reference.mean_gap == 1.0
