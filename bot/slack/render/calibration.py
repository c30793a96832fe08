"""Calibration surfaces: the "See sample answers" button, the samples modal, scoring a sample,
and the reviewer's scores next to the pack's.

The samples modal shows the answers first and keeps the pack's scores behind a button, so a
reviewer who wants to calibrate can score a sample before seeing how the pack scored it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, DividerBlock

from bot.content import Criterion
from bot.practice.calibration import CalibrationResult, CalibrationSet, SampleAnswer
from bot.slack.render.modal import modal_view, score_choice
from bot.slack.render.text import context_line, escape, quoted_sections, section

SAMPLES_ACTION = "calibration_samples"  # opens the samples modal (DM and score modal)
REVEAL_ACTION = "calibration_reveal"  # shows the pack's scores in the samples modal
SAMPLE_SCORE_ACTION = "calibration_score"  # opens the scoring modal of one sample
SAMPLE_CALLBACK = "calibration_score_modal"
SCORE_ACTION_ID = "score"
LEVEL_NAMES = {
    "weak": "A weak answer",
    "middling": "A middling answer",
    "strong": "A strong answer",
}


def samples_button(assignment_id: int) -> dict[str, Any]:
    """One button, placed after the review's own buttons: it never replaces them."""
    return ActionsBlock(
        block_id=f"calibration_{assignment_id}",
        elements=[
            ButtonElement(
                text="See sample answers", action_id=SAMPLES_ACTION, value=str(assignment_id)
            )
        ],
    ).to_dict()


def _answer(sample: SampleAnswer) -> list[Any]:
    """The sample's level over every line of it quoted, in as many sections as it takes."""
    return quoted_sections(f"*{LEVEL_NAMES.get(sample.level, sample.level)}*", sample.answer)


def _scores_line(scores: Mapping[str, int], names: Mapping[str, str]) -> str:
    return " · ".join(f"{names.get(c, c)} *{s}*" for c, s in scores.items())


def _sample_blocks(
    cs: CalibrationSet, sample: SampleAnswer, names: Mapping[str, str], revealed: bool
) -> list[Any]:
    mine = cs.mine.get(sample.level)
    blocks: list[Any] = _answer(sample)
    notes = []
    if revealed:
        reasons = "".join(
            f"\n{names.get(c, c)}: {escape(sample.why[c])}"
            for c in sample.scores
            if c in sample.why
        )
        notes.append("The pack's scores: " + _scores_line(sample.scores, names) + reasons)
    if mine:
        notes.append("Your scores: " + _scores_line(mine, names))
    if notes:
        blocks.append(context_line(*notes))
    value = json.dumps({"a": cs.assignment_id, "level": sample.level})
    blocks.append(
        ActionsBlock(
            block_id=f"calibrate_{sample.level}",
            elements=[
                ButtonElement(
                    text="Change your scores" if mine else "Score it to calibrate",
                    action_id=SAMPLE_SCORE_ACTION,
                    value=value,
                )
            ],
        )
    )
    return blocks


def samples_modal(
    cs: CalibrationSet, names: Mapping[str, str], *, revealed: bool = False
) -> dict[str, Any]:
    """The prompt's sample answers; the pack's scores once asked for."""
    blocks: list[Any] = [
        section(
            f"Sample answers for *{escape(cs.title)}*, scored by the pack. Score one yourself "
            "first to see how close you are; your scores of samples count only for your "
            "agreement, never on the leaderboard."
        )
    ]
    for sample in cs.samples:
        blocks.append(DividerBlock())
        blocks.extend(_sample_blocks(cs, sample, names, revealed))
    if not revealed:
        blocks.append(DividerBlock())
        blocks.append(
            ActionsBlock(
                block_id="calibration_reveal",
                elements=[
                    ButtonElement(
                        text="Show the pack's scores",
                        action_id=REVEAL_ACTION,
                        value=str(cs.assignment_id),
                    )
                ],
            )
        )
    return modal_view(
        "Sample answers",
        blocks,
        private_metadata=json.dumps({"a": cs.assignment_id}),
        close="Back",
    )


def sample_score_modal(
    cs: CalibrationSet, level: str, criteria: Sequence[Criterion]
) -> dict[str, Any]:
    """One 1-5 choice per criterion the pack scored, for one sample answer."""
    sample = cs.sample(level)
    assert sample is not None
    mine = cs.mine.get(level, {})
    blocks = _answer(sample)
    for criterion in criteria:
        blocks.append(score_choice(criterion, SCORE_ACTION_ID, mine.get(criterion.id)))
    return modal_view(
        "Score a sample",
        blocks,
        callback_id=SAMPLE_CALLBACK,
        private_metadata=json.dumps({"a": cs.assignment_id, "level": level}),
        submit="Compare",
        close="Back",
    )


def read_sample_metadata(private_metadata: str) -> tuple[int | None, str]:
    try:
        data = json.loads(private_metadata or "{}")
        return int(data["a"]), str(data.get("level") or "")
    except (ValueError, KeyError, TypeError):
        return None, ""


def read_sample_scores(state_values: Mapping[str, Any]) -> dict[str, int | None]:
    scores: dict[str, int | None] = {}
    for block_id, actions in state_values.items():
        element = actions.get(SCORE_ACTION_ID) if isinstance(actions, dict) else None
        option = (element or {}).get("selected_option") or {}
        value = str(option.get("value") or "") if isinstance(option, dict) else ""
        scores[block_id] = int(value) if value.isdigit() else None
    return scores


def comparison_view(result: CalibrationResult, names: Mapping[str, str]) -> dict[str, Any]:
    """After scoring a sample: the reviewer's scores next to the pack's, criterion by criterion."""
    if not result.stored or result.mine is None or result.reference is None:
        text = f"Not saved: {result.message}"
    else:
        lines = []
        for criterion, reference in result.reference.items():
            mine = result.mine.get(criterion)
            if mine is None:
                continue
            apart = abs(mine - reference)
            verdict = "same" if apart == 0 else f"{apart} apart"
            reason = (result.why or {}).get(criterion)
            lines.append(
                f"• {names.get(criterion, criterion)}: you *{mine}*, the pack *{reference}* "
                f"({verdict})" + (f"\n   _{escape(reason)}_" if reason else "")
            )
        text = (
            f"*{LEVEL_NAMES.get(result.level, result.level)}: your scores and the pack's*\n"
            + "\n".join(lines)
            + "\nSaved: it counts toward your agreement with the pack in `/practice stats`."
        )
    return modal_view("Sample scored", [section(text)], close="Done")
