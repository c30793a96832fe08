"""Editorial checks on the shipped packs: coverage the adaptive choice and reviewers rely on."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.content import KINDS, Pack, load_library

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def packs() -> dict[str, Pack]:
    library = load_library(CONTENT)
    assert library.errors == ()
    return library.packs


def test_pmm_size_kinds_and_difficulty(packs: dict[str, Pack]) -> None:
    pmm = packs["pmm"]
    assert len(pmm.prompts) >= 40
    kinds = Counter(p.kind for p in pmm.prompts)
    # Every kind except the product-sense one appears, several times each.
    assert set(kinds) == set(KINDS) - {"product-design"}
    assert min(kinds.values()) >= 4
    levels = Counter(p.difficulty for p in pmm.prompts)
    assert set(levels) == {1, 2, 3}
    assert max(levels.values()) - min(levels.values()) <= 3


def test_pmm_keeps_the_ids_other_code_uses(packs: dict[str, Pack]) -> None:
    for pid in ("creator-tipping-launch", "holdout-campaign", "engagement-drop"):
        assert packs["pmm"].prompt(pid) is not None


def test_pmm_tables_and_criterion_coverage(packs: dict[str, Pack]) -> None:
    pmm = packs["pmm"]
    assert sum(1 for p in pmm.prompts if p.table is not None) >= 15
    assert [c.id for c in pmm.rubric] == [
        "hypothesis",
        "measurement",
        "focus",
        "outcome",
        "rollout",
        "ecosystem",
    ]
    tagged = Counter(t for p in pmm.prompts for t in p.tags)
    for criterion in pmm.rubric:
        assert tagged[criterion.id] >= 8, criterion.id


def test_product_sense_pack_is_small_and_separate(packs: dict[str, Pack]) -> None:
    ps = packs["product-sense"]
    assert 4 <= len(ps.rubric) <= 5
    assert 6 <= len(ps.prompts) <= 8
    tagged = {t for p in ps.prompts for t in p.tags}
    assert tagged == {c.id for c in ps.rubric}


@pytest.mark.parametrize("pack_id", ["pmm", "product-sense"])
def test_every_prompt_is_well_formed(packs: dict[str, Pack], pack_id: str) -> None:
    pack = packs[pack_id]
    challenges: Counter[str] = Counter()
    for p in pack.prompts:
        assert Path(p.source.rsplit(":", 1)[0]).name == f"{p.id}.yaml"
        assert 3 <= len(p.challenges) <= 5, p.id
        assert 2 <= len(p.strong_answers) <= 3, p.id
        assert all(q.endswith("?") for q in p.challenges), p.id
        assert len(p.case) >= 120, p.id
        challenges.update(p.challenges)
        if p.table is not None:
            assert p.table.caption, p.id
            assert all(len(row) == len(p.table.columns) for row in p.table.rows)
            # A table is there to force arithmetic: it must carry figures.
            assert any(ch.isdigit() for row in p.table.rows for ch in "".join(row)), p.id
    # Skeptic questions are written for their case, not pasted between cases.
    assert [q for q, n in challenges.items() if n > 1] == []


def test_rubric_questions_fit_on_one_line(packs: dict[str, Pack]) -> None:
    for pack in packs.values():
        for c in pack.rubric:
            assert "\n" not in c.question
            assert {1, 3, 5} <= set(c.anchors)
