"""Editorial checks on the shipped packs: the size, variety and calibration issue 15 asks for,
and the coverage the adaptive choice and reviewers rely on."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.content import Pack, load_library
from bot.content.loader import MAX_GUIDE_EXAMPLES
from bot.content.tables import MAX_LINE, table_lines

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def packs() -> dict[str, Pack]:
    library = load_library(CONTENT)
    assert [str(e) for e in library.errors] == []
    return library.packs


@pytest.mark.parametrize(
    ("pack_id", "prompts", "kinds"), [("pmm", 100, 12), ("product-sense", 40, 7)]
)
def test_size_and_kinds(packs: dict[str, Pack], pack_id: str, prompts: int, kinds: int) -> None:
    pack = packs[pack_id]
    assert len(pack.prompts) >= prompts
    assert len({p.kind for p in pack.prompts}) >= kinds
    assert {p.difficulty for p in pack.prompts} == {1, 2, 3}


def test_pmm_covers_what_the_interview_tests(packs: dict[str, Pack]) -> None:
    kinds = Counter(p.kind for p in packs["pmm"].prompts)
    for kind in ("positioning", "sizing", "pitch", "behavioural", "measurement", "pricing"):
        assert kinds[kind] >= 2, kind
    for kind in ("enablement", "research"):
        assert kinds[kind] >= 1, kind
    shapes = Counter(p.shape for p in packs["pmm"].prompts)
    for shape in ("story-failure", "no-data-questions", "write-the-message", "define-the-metric"):
        assert shapes[shape] >= 1, shape
    twists = Counter(p.twist for p in packs["pmm"].prompts)
    for twist in ("small-sample", "definition", "constraint", "no-history"):
        assert twists[twist] >= 1, twist


def test_product_sense_has_estimation_strategy_and_behavioural(packs: dict[str, Pack]) -> None:
    kinds = Counter(p.kind for p in packs["product-sense"].prompts)
    for kind in ("estimation", "strategy", "behavioural"):
        assert kinds[kind] >= 1, kind


@pytest.mark.parametrize("pack_id", ["pmm", "product-sense"])
def test_shapes_spread_and_warm_ups(packs: dict[str, Pack], pack_id: str) -> None:
    prompts = packs[pack_id].prompts
    shapes = Counter(p.shape for p in prompts)
    assert max(shapes.values()) * 5 <= len(prompts), shapes.most_common(3)
    assert sum(p.difficulty == 1 for p in prompts) >= 0.15 * len(prompts)
    fails = Counter(s.fails for p in prompts for s in p.calibration if s.level == "weak")
    assert max(fails.values()) * 4 <= len(prompts), fails.most_common(3)


@pytest.mark.parametrize("pack_id", ["pmm", "product-sense"])
def test_variety_limits(packs: dict[str, Pack], pack_id: str) -> None:
    pack = packs[pack_id]
    twists = Counter(p.twist for p in pack.prompts)
    assert max(twists.values()) * 4 <= len(pack.prompts), twists.most_common(3)
    assert sum(p.guide_example for p in pack.prompts) <= MAX_GUIDE_EXAMPLES


@pytest.mark.parametrize("pack_id", ["pmm", "product-sense"])
def test_every_prompt_is_calibrated_on_its_kinds_rubric(
    packs: dict[str, Pack], pack_id: str
) -> None:
    pack = packs[pack_id]
    for p in pack.prompts:
        weak, middling, strong = p.calibration
        ids = [c.id for c in pack.criteria_for(p)]
        assert (weak.level, middling.level, strong.level) == ("weak", "middling", "strong"), p.id
        for sample in p.calibration:
            assert list(sample.scores) == ids and list(sample.why) == ids, p.id
        assert weak.mean < 2.5 <= middling.mean <= 3.5 < strong.mean, p.id


def test_pmm_keeps_the_ids_other_code_uses(packs: dict[str, Pack]) -> None:
    for pid in ("creator-tipping-launch", "holdout-campaign", "engagement-drop"):
        assert packs["pmm"].prompt(pid) is not None


def test_rubrics(packs: dict[str, Pack]) -> None:
    pmm = packs["pmm"]
    assert [c.id for c in pmm.rubric] == [
        "hypothesis",
        "measurement",
        "focus",
        "rollout",
        "platform",
        "numbers",
    ]
    assert [c.id for c in pmm.rubric_for("behavioural")] == [
        "situation",
        "action",
        "result",
        "learning",
    ]
    assert [c.id for c in pmm.rubric_for("pitch")] == ["lead", "proof", "ownership", "fit"]
    assert [c.id for c in pmm.rubric_for("sizing")] == [
        "estimate",
        "hypothesis",
        "focus",
        "numbers",
    ]
    assert [c.id for c in pmm.rubric_for("positioning")] == [
        "position",
        "hypothesis",
        "focus",
        "platform",
        "numbers",
    ]
    # A rubric's `- use:` is the very criterion of the default rubric: one meaning per id.
    assert pmm.rubric_for("sizing")[3] is pmm.rubric[5]
    assert pmm.rubric_for("pricing") == pmm.rubric
    assert [(c.id, c.replaced_by) for c in pmm.retired] == [
        ("outcome", "hypothesis"),
        ("ecosystem", "platform"),
    ]
    ps = packs["product-sense"]
    assert [c.id for c in ps.rubric] == ["user", "solutions", "tradeoffs", "metrics", "numbers"]
    assert [c.id for c in ps.rubric_for("estimation")] == ["estimate", "user", "numbers"]
    assert [c.id for c in ps.rubric_for("behavioural")] == [
        "situation",
        "action",
        "result",
        "learning",
    ]
    assert ps.rubric_for("strategy") == ps.rubric
    for pack in packs.values():
        for rubric in (pack.rubric, *pack.rubrics.values()):
            assert len(rubric) <= 6
            for c in rubric:
                assert sorted(c.anchors) == [1, 2, 3, 4, 5], c.id
                assert len(set(c.anchors.values())) == 5, c.id


@pytest.mark.parametrize("pack_id", ["pmm", "product-sense"])
def test_criterion_coverage(packs: dict[str, Pack], pack_id: str) -> None:
    """Every criterion is trained by some prompts, so the adaptive choice has somewhere to go."""
    pack = packs[pack_id]
    tagged = Counter(t for p in pack.prompts for t in p.tags)
    for c in pack.rubric:
        assert tagged[c.id] >= 4, c.id
    for kind, rubric in pack.rubrics.items():
        if any(p.kind == kind for p in pack.prompts):
            # A kind's own criteria (estimate, position, situation...) are trained somewhere.
            own = {c.id for c in rubric} - {c.id for c in pack.rubric}
            assert own <= {t for p in pack.prompts if p.kind == kind for t in p.tags}, kind


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
        for table in p.tables:
            assert table.caption, p.id
            # A table is there to force arithmetic: it must carry figures.
            assert any(ch.isdigit() for row in table.rows for ch in "".join(row)), p.id
            assert max(map(len, [table.caption, *table_lines(table)])) <= MAX_LINE, p.id
    # Skeptic questions are written for their case, not pasted between cases.
    assert [q for q, n in challenges.items() if n > 1] == []
