"""Prompt files in the issue-21 format, built from parts, for tests that break one claim."""

from __future__ import annotations

import json
from pathlib import Path

from tests.content.demo import MIDDLING, PACK_YAML, STRONG, WEAK


def _block(items: list[str], indent: str = "  ") -> str:
    return "".join(f"{indent}- {json.dumps(item)}\n" for item in items)


def claim_prompt(
    pid: str = "bad",
    *,
    table: str = "  columns: [Region, Cost]\n  rows:\n    - [North, $38]\n    - [South, $11]\n",
    facts: str = "",
    case: str = "Pick one region to spend the next budget on.",
    hint: str = "",
    assumptions: list[str] | None = None,
    covers: list[str] | None = None,
    strong_answers: list[str] | None = None,
    weak: str = WEAK,
    middling: str = MIDDLING,
    strong: str = STRONG,
    criteria: str = "",
    scores: tuple[str, str, str] = (
        "{hypothesis: 1, measurement: 2}",
        "{hypothesis: 3, measurement: 3}",
        "{hypothesis: 5, measurement: 4}",
    ),
    shape: str = "choose-under-constraint",
    fails: str = "no-focus",
) -> str:
    """A valid prompt unless a part given breaks it; the line of each part is predictable from
    the text (tests search for it rather than count)."""
    why = {
        "weak": '{hypothesis: "1: no bet", measurement: "2: a biased comparison"}',
        "middling": '{hypothesis: "3: no bar", measurement: "3: a control, not sized"}',
        "strong": '{hypothesis: "5: a reasoned bar", measurement: "4, not 5: no size"}',
    }
    parts = [
        f"id: {pid}\ntitle: A claim to check\nkind: case\ndifficulty: 2\n",
        "tags: [hypothesis]\ntwist: pick-one\n",
        f"shape: {shape}\n",
        criteria,
        f"case: {json.dumps(case)}\n",
        f"hint: {json.dumps(hint)}\n" if hint else "",
        "assumptions:\n" + _block(assumptions) if assumptions else "",
        "table:\n" + table,
        "facts:\n" + facts if facts else "",
        "covers:\n" + _block(covers or ["a decision"]),
        "challenges:\n  - Why?\n  - Why now?\n  - Why this region?\n",
        "strong_answers:\n" + _block(strong_answers or ["Chose one region."]),
        "calibration:\n",
        f"  weak:\n    fails: {fails}\n    answer: {json.dumps(weak)}\n",
        f"    scores: {scores[0]}\n    why: {why['weak']}\n",
        f"  middling:\n    answer: {json.dumps(middling)}\n",
        f"    scores: {scores[1]}\n    why: {why['middling']}\n",
        f"  strong:\n    answer: {json.dumps(strong)}\n",
        f"    scores: {scores[2]}\n    why: {why['strong']}\n",
    ]
    return "".join(parts)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line containing `needle`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in the prompt")


def write_demo(root: Path, **prompts: str) -> Path:
    folder = root / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(PACK_YAML, encoding="utf-8")
    for pid, text in prompts.items():
        (folder / f"{pid}.yaml").write_text(text, encoding="utf-8")
    return folder
