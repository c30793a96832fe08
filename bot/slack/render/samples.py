"""Calibration answers as Slack text: weak, middling and strong samples with the pack's scores
and the reason for each score.

Shown to mock interviewers in their guide; any other view of the samples (a reviewer's
"sample answers" view) should render them with `sample_sections` too, so they read alike.
"""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock

from bot.content import Criterion, Prompt, Sample
from bot.slack.render.text import escape, section

LABEL = {"weak": "Weak sample", "middling": "Middling sample", "strong": "Strong sample"}


def sample_text(sample: Sample, rubric: tuple[Criterion, ...]) -> str:
    """The answer quoted, then its score per criterion in the rubric's order."""
    names = {c.id: c.name for c in rubric}
    order = [c.id for c in rubric if c.id in sample.scores] + [
        cid for cid in sample.scores if cid not in names
    ]
    scores = " · ".join(f"{escape(names.get(cid, cid))} {sample.scores[cid]}" for cid in order)
    mean = sum(sample.scores.values()) / len(sample.scores) if sample.scores else 0.0
    quoted = "\n".join(f">{escape(line)}" for line in sample.answer.splitlines() or [""])
    reasons = "".join(
        f"\n• {escape(names.get(cid, cid))}: {escape(sample.why[cid])}"
        for cid in order
        if cid in sample.why
    )
    label = LABEL.get(sample.level, sample.level)
    return f"*{label}* (mean {mean:.1f})\n{quoted}\n_{scores}_{reasons}"


def sample_sections(prompt: Prompt, rubric: tuple[Criterion, ...]) -> list[SectionBlock]:
    """A title and one section per sample; nothing for prompts without calibration."""
    if not prompt.calibration:
        return []
    title = section(
        "*Sample answers* (how the pack scores them: calibrate your own scores against these)"
    )
    return [title, *(section(sample_text(s, rubric)) for s in prompt.calibration)]
