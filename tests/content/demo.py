"""A small valid pack in format v2, for tests that break one thing at a time."""

from __future__ import annotations

from pathlib import Path

PACK_YAML = """\
id: demo
title: Demo pack
description: A pack used by tests.
rubric:
  - id: hypothesis
    name: Hypothesis
    question: Is there a testable bet?
    anchors:
      1: None.
      2: A goal.
      3: Some.
      4: A bet with a metric.
      5: A sharp one.
  - id: measurement
    name: Measurement
    question: Is the effect isolated?
    anchors:
      1: Totals only.
      2: A biased comparison.
      3: A control group.
      4: A fair holdout.
      5: A holdout with a threshold.
rubrics:
  behavioural:
    - id: story
      name: Story
      question: Is it one clear story?
      anchors:
        1: No story.
        2: A vague one.
        3: A story.
        4: A clear story.
        5: A clear story with numbers.
  sizing:
    - id: estimate
      name: Estimate
      question: Is the estimate clean?
      anchors:
        1: A guess.
        2: Unstated inputs.
        3: Stated inputs.
        4: Stated and checked.
        5: Checked two ways, with a range.
    - use: hypothesis
retired:
  - id: outcome
    name: Business outcome
    replaced_by: hypothesis
"""

WEAK = " ".join(["I would launch everywhere and watch the views go up."] * 5)
MIDDLING = " ".join(["Launch in one market with a holdout and judge it on retention."] * 6)
STRONG = " ".join(["Hold out a tenth of users, bar a two point lift, stop below it."] * 7)

PROMPT_YAML = f"""\
id: {{id}}
title: A small case
kind: case
difficulty: {{difficulty}}
tags: [hypothesis, measurement]
twist: {{twist}}
shape: {{shape}}
case: Decide whether to launch; week 2 has about 20% more users than week 1.
table:
  caption: Figures
  columns: [Week, Users]
  rows:
    - [1, 10]
    - [2, 12]
facts:
  - says: about 20% more users
    in: case
    value: (B2 - B1) / B1 * 100
    is: 20
covers:
  - a decision
challenges:
  - Why?
  - Why now?
  - Why this market?
strong_answers:
  - Chose one market.
calibration:
  weak:
    fails: {{fails}}
    answer: >-
      {WEAK}
    scores: {{{{hypothesis: 1, measurement: 2}}}}
    why:
      hypothesis: "1: no bet, only views"
      measurement: "2: before and after with a launch everywhere"
  middling:
    answer: >-
      {MIDDLING}
    scores: {{{{hypothesis: 3, measurement: 3}}}}
    why:
      hypothesis: "3: a bet and a metric, no bar"
      measurement: "3, not 4: a holdout, but not how it is drawn or how long it runs"
  strong:
    answer: >-
      {STRONG}
    scores: {{{{hypothesis: 5, measurement: 4}}}}
    why:
      hypothesis: "5: a bet that could fail and a reasoned bar"
      measurement: "4, not 5: a fair holdout, no sample size"
"""


def prompt_yaml(
    pid: str,
    twist: str = "pick-one",
    shape: str = "choose-under-constraint",
    fails: str = "no-focus",
    difficulty: int = 2,
) -> str:
    return PROMPT_YAML.format(id=pid, twist=twist, shape=shape, fails=fails, difficulty=difficulty)


def write_pack(root: Path, name: str = "demo", pack: str = PACK_YAML, **prompts: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(pack, encoding="utf-8")
    for pid, text in prompts.items():
        (folder / f"{pid}.yaml").write_text(text, encoding="utf-8")
    return folder
