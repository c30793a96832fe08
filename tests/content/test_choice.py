"""The adaptive prompt choice: cycles, weak criteria, kind and difficulty rotation."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import Criterion, Pack, Prompt, load_library
from bot.practice.choice import Choice, choose_prompt

CONTENT = Path(__file__).resolve().parents[2] / "content"
CRITERIA = ("hypothesis", "measurement", "focus")


def make_prompt(pid: str, kind: str, difficulty: int, *tags: str) -> Prompt:
    return Prompt(
        id=pid,
        title=pid,
        kind=kind,
        difficulty=difficulty,
        tags=tags,
        case="c",
        covers=("x",),
        challenges=("a", "b", "c"),
        strong_answers=("s",),
    )


def make_pack(*prompts: Prompt) -> Pack:
    rubric = tuple(
        Criterion(id=c, name=c.title(), question="?", anchors={1: "a", 3: "b", 5: "c"})
        for c in CRITERIA
    )
    return Pack(id="t", title="T", description="d", rubric=rubric, prompts=prompts)


SMALL = make_pack(
    make_prompt("a", "case", 1, "hypothesis"),
    make_prompt("b", "measurement", 2, "measurement"),
    make_prompt("c", "case", 3, "measurement", "focus"),
    make_prompt("d", "prioritization", 1, "focus"),
    make_prompt("e", "measurement", 3, "hypothesis", "measurement"),
)


def pmm() -> Pack:
    pack = load_library(CONTENT).pack("pmm")
    assert pack is not None
    return pack


def run(pack: Pack, n: int, scores: dict[str, float] | None = None) -> list[Choice]:
    used: list[str] = []
    kinds: list[str] = []
    out = []
    for _ in range(n):
        choice = choose_prompt(pack, used, scores or {}, recent_kinds=kinds[-3:])
        out.append(choice)
        used.append(choice.prompt.id)
        kinds.append(choice.prompt.kind)
    return out


def test_picks_a_prompt_of_the_weakest_criterion() -> None:
    choice = choose_prompt(SMALL, [], {"hypothesis": 4.1, "measurement": 2.4, "focus": 3.0})
    assert choice.trains == "measurement"
    assert "measurement" in choice.prompt.tags
    assert choice.reason == (
        "today trains: measurement — the channel's lowest-scored criterion lately (2.4/5)"
    )


def test_falls_back_to_next_weakest_when_the_weakest_is_used_up() -> None:
    used = ["b", "c", "e"]  # every measurement prompt
    choice = choose_prompt(SMALL, used, {"measurement": 2.0, "focus": 2.5, "hypothesis": 4.0})
    assert choice.trains == "focus"
    assert choice.prompt.id == "d"
    assert "no prompt left this cycle trains 'measurement'" in choice.reason


def test_weak_choice_on_the_real_pack() -> None:
    pack = pmm()
    scores = {c.id: 4.0 for c in pack.rubric} | {"platform": 1.8}
    choice = choose_prompt(pack, [], scores)
    assert choice.trains == "platform"
    assert "platform" in choice.prompt.tags
    assert "(1.8/5)" in choice.reason


def test_never_repeats_before_the_pack_is_used_up_then_cycles() -> None:
    pack = pmm()
    n = len(pack.prompts)
    scores = {"measurement": 2.0, "hypothesis": 3.0}
    choices = run(pack, 2 * n + 3, scores)
    first = [c.prompt.id for c in choices[:n]]
    second = [c.prompt.id for c in choices[n : 2 * n]]
    assert sorted(first) == sorted(p.id for p in pack.prompts)
    assert sorted(second) == sorted(first)
    third = [c.prompt.id for c in choices[2 * n :]]
    assert len(set(third)) == 3


def test_deterministic() -> None:
    pack = pmm()
    used = [p.id for p in pack.prompts[:7]]
    scores = {"focus": 2.2, "rollout": 2.2, "outcome": 3.9}
    a = choose_prompt(pack, used, scores, recent_kinds=["case", "measurement"])
    b = choose_prompt(pack, list(used), dict(scores), recent_kinds=("case", "measurement"))
    assert a == b
    assert run(pack, 20) == run(pack, 20)


def test_score_ties_break_by_criterion_id() -> None:
    choice = choose_prompt(SMALL, [], {"measurement": 2.0, "focus": 2.0})
    assert choice.trains == "focus"


def test_avoids_the_most_recent_kind_when_possible() -> None:
    # Both measurement prompts train measurement, but yesterday was a measurement prompt.
    choice = choose_prompt(SMALL, ["a"], {"measurement": 2.0}, recent_kinds=["measurement"])
    assert choice.prompt.kind != "measurement"
    assert choice.prompt.id == "c"
    # When only prompts of that kind remain, one is still chosen.
    used = ["a", "c", "d"]
    choice = choose_prompt(SMALL, used, {}, recent_kinds=["measurement"])
    assert choice.prompt.kind == "measurement"


def test_kinds_rotate_through_the_real_pack_without_scores() -> None:
    choices = run(pmm(), 30)
    kinds = [c.prompt.kind for c in choices]
    assert all(a != b for a, b in pairwise(kinds))
    assert all(c.trains is None for c in choices)
    assert "no scores yet" in choices[0].reason


def test_difficulty_cycles_without_scores() -> None:
    difficulties = [c.prompt.difficulty for c in run(pmm(), 9)]
    assert difficulties == [1, 2, 3, 1, 2, 3, 1, 2, 3]


def test_recent_kinds_derived_from_used_when_not_given() -> None:
    choice = choose_prompt(SMALL, ["b"], {"measurement": 1.0})
    assert choice.prompt.kind != "measurement"


def test_ids_not_in_the_pack_are_ignored() -> None:
    choice = choose_prompt(SMALL, ["removed-prompt", "other-pack"], {})
    assert choice.prompt.id == "a"


def test_scores_for_unknown_criteria_are_ignored() -> None:
    choice = choose_prompt(SMALL, [], {"charisma": 1.0})
    assert choice.trains is None
    assert choice.prompt.difficulty == 1


@settings(max_examples=40, deadline=None)
@given(
    scores=st.dictionaries(
        st.sampled_from(["hypothesis", "measurement", "focus", "outcome", "rollout", "ecosystem"]),
        st.floats(min_value=1, max_value=5, allow_nan=False),
    ),
    history=st.integers(min_value=0, max_value=3),
    window=st.integers(min_value=0, max_value=5),
)
def test_one_cycle_covers_every_prompt_exactly_once(
    scores: dict[str, float], history: int, window: int
) -> None:
    pack = PMM
    n = len(pack.prompts)
    # Start after `history` full cycles so the property holds in later cycles too.
    used: list[str] = [p.id for p in pack.prompts] * history
    kinds: list[str] = []
    for _ in range(n):
        recent = kinds[-window:] if window else []
        choice = choose_prompt(pack, used, scores, recent_kinds=recent)
        used.append(choice.prompt.id)
        kinds.append(choice.prompt.kind)
    assert Counter(used[history * n :]) == Counter(p.id for p in pack.prompts)


PMM = pmm()


def test_reason_says_when_kind_rotation_skips_the_weakest() -> None:
    # Only measurement-kind prompts train measurement once "c" is used.
    used = ["c"]
    choice = choose_prompt(
        SMALL, used, {"measurement": 2.0, "hypothesis": 3.0}, recent_kinds=["measurement"]
    )
    assert choice.prompt.id == "a"
    assert choice.trains == "hypothesis"
    assert "'measurement' prompts left this cycle share the last post's kind" in choice.reason


def test_non_finite_scores_are_ignored() -> None:
    choice = choose_prompt(SMALL, [], {"measurement": float("nan"), "focus": 3.5})
    assert choice.trains == "focus"
