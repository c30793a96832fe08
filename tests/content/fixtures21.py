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


FITTED_PACK = """\
id: pmm
title: Fitted criteria
description: A pack whose prompt applies two of its three criteria.
rubric:
  - id: hypothesis
    name: Hypothesis
    question: Is there a testable bet?
    anchors: {1: None., 2: A goal., 3: A bet., 4: A bet with a bar., 5: A reasoned bar.}
  - id: measurement
    name: Measurement
    question: Is the effect isolated?
    anchors: {1: Totals., 2: Biased., 3: A control., 4: A fair holdout., 5: A sized holdout.}
  - id: numbers
    name: Numbers
    question: Is the arithmetic right?
    anchors: {1: Ignored., 2: Quoted., 3: One slip., 4: Right., 5: Right and decisive.}
"""

# Lines of the key, each distinctive, so a test can look for every one in what Slack got.
COVERS = (
    "the blended cost hides that South pays about 3.5 times less per payer",
    "why the cheaper region may not scale past its creators",
)
STRONG_ANSWERS = (
    "Computes cost per payer region by region before choosing.",
    "Names the creator supply limit that would stop the South push.",
)
SAMPLES = {
    "weak": "I would split the money evenly between both regions so nobody feels left out, "
    "and see what the dashboards say at the end of the quarter about growth overall. Both "
    "regional leads have good plans, and an even split keeps everyone motivated while we "
    "learn what works where.",
    "middling": "South looks like the better deal on the table, so I would put most of the "
    "money there, keep some in North as a hedge, and check payers each month against "
    "the plan. If South slows down I would move money back north without much fuss. I would "
    "also ask the regional leads what they would do with the money, and use the monthly "
    "review to decide whether to keep going.",
    "strong": "North costs $38 a payer and South $11, so the same budget buys roughly three "
    "and a half times the payers in South. I would move the budget south, hold one city out "
    "as a control, and stop if payer cost in South rises past North's because creators run "
    "out. The bet is that creator supply, not demand, sets the ceiling there, and the holdout "
    "tells us whether the payers are new or would have come anyway. North keeps enough to "
    "hold its current creators while we learn.",
}
HINT = "Start from what each region costs."


def fitted_prompt(pid: str = "fitted", criteria: str = "criteria: [hypothesis, numbers]\n") -> str:
    """A valid prompt in the issue-21 format applying two of the three criteria (or all three
    with `criteria=""`)."""
    ids = ["hypothesis", "numbers"] if criteria else ["hypothesis", "measurement", "numbers"]
    levels = {"weak": 1, "middling": 3, "strong": 5}
    parts = [
        f"id: {pid}\ntitle: Two regions, one budget\nkind: case\ndifficulty: 2\n",
        "tags: [numbers]\ntwist: pick-one\nshape: choose-under-constraint\n",
        criteria,
        "case: >-\n  Growth has one budget for next quarter and two regions asking for it.\n"
        "  Decide where the budget goes and how you would know it worked.\n",
        f"hint: {HINT}\n",
        "table:\n  caption: Cost per paying user\n  columns: [Region, Cost]\n"
        "  rows:\n    - [North, $38]\n    - [South, $11]\n",
        "facts:\n  - says: about 3.5 times less\n    value: B1 / B2\n    is: 3.5\n"
        "  - says: the cheaper region\n    holds: B2 < B1\n"
        "  - says: the better deal\n    holds: B2 < B1\n"
        "  - says: three and a half times the payers\n    value: B1 / B2\n    is: 3.5\n",
        "covers:\n" + _block(list(COVERS)),
        "challenges:\n  - What if South runs out of creators?\n  - Why not split it?\n"
        "  - How would you know the payers are new?\n",
        "strong_answers:\n" + _block(list(STRONG_ANSWERS)),
        "calibration:\n",
    ]
    for level, answer in SAMPLES.items():
        score = levels[level]
        parts.append(f"  {level}:\n")
        if level == "weak":
            parts.append("    fails: no-focus\n")
        parts.append(f"    answer: {json.dumps(answer)}\n")
        parts.append("    scores: {" + ", ".join(f"{c}: {score}" for c in ids) + "}\n")
        parts.append(
            "    why: {" + ", ".join(f'{c}: "{score}: per the anchor"' for c in ids) + "}\n"
        )
    return "".join(parts)


def write_fitted_pack(root: Path, **prompts: str) -> Path:
    """content/pmm with the fitted prompt (and any others given); returns the content dir."""
    folder = root / "pmm"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(FITTED_PACK, encoding="utf-8")
    for pid, text in (prompts or {"fitted": fitted_prompt()}).items():
        (folder / f"{pid}.yaml").write_text(text, encoding="utf-8")
    return root
