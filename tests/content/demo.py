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
retired:
  - id: outcome
    name: Business outcome
    replaced_by: hypothesis
"""

WEAK = " ".join(["I would launch everywhere and watch the views go up."] * 5)
STRONG = " ".join(["Hold out a tenth of users, bar a two point lift, stop below it."] * 7)

PROMPT_YAML = f"""\
id: {{id}}
title: A small case
kind: case
difficulty: 2
tags: [hypothesis, measurement]
twist: {{twist}}
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
    answer: >-
      {WEAK}
    scores: {{{{hypothesis: 1, measurement: 2}}}}
  strong:
    answer: >-
      {STRONG}
    scores: {{{{hypothesis: 5, measurement: 4}}}}
"""


def prompt_yaml(pid: str, twist: str = "pick-one") -> str:
    return PROMPT_YAML.format(id=pid, twist=twist)


def write_pack(root: Path, name: str = "demo", pack: str = PACK_YAML, **prompts: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(pack, encoding="utf-8")
    for pid, text in prompts.items():
        (folder / f"{pid}.yaml").write_text(text, encoding="utf-8")
    return folder
