"""Calibration answers: a weak and a strong sample answer per prompt, scored by the pack."""

from __future__ import annotations

import yaml

from bot.content import nodes
from bot.content.model import LEVELS, Criterion, Sample

# Words per sample answer: short enough to read before scoring, long enough to be an answer.
WORDS = {"weak": range(40, 91), "strong": range(80, 161)}
_SAMPLE_KEYS = {"answer": True, "scores": True}


def read_calibration(
    node: yaml.Node, rubric: tuple[Criterion, ...], errs: nodes.Errors
) -> tuple[Sample, ...] | None:
    """`calibration: {weak: {answer, scores}, strong: {answer, scores}}`, checked against the
    rubric of the prompt's kind: every criterion scored once, 1..5, weak below strong."""
    f = nodes.mapping(node, dict.fromkeys(LEVELS, True), "calibration", errs)
    if f is None or any(level not in f for level in LEVELS):
        return None
    samples = [_sample(level, f[level], rubric, errs) for level in LEVELS]
    if any(s is None for s in samples):
        return None
    weak, strong = (s for s in samples if s is not None)
    if sum(weak.scores.values()) >= sum(strong.scores.values()):
        errs.add(f["strong"], "calibration: the strong answer must score above the weak one")
        return None
    return (weak, strong)


def _sample(
    level: str, node: yaml.Node, rubric: tuple[Criterion, ...], errs: nodes.Errors
) -> Sample | None:
    f = nodes.mapping(node, _SAMPLE_KEYS, f"calibration {level}", errs)
    if f is None or "answer" not in f or "scores" not in f:
        return None
    answer = nodes.text(f["answer"], f"calibration {level} answer", errs)
    if answer is not None:
        words = len(answer.split())
        bounds = WORDS[level]
        if words not in bounds:
            errs.add(
                f["answer"],
                f"calibration {level} answer has {words} words; "
                f"{bounds.start} to {bounds.stop - 1}",
            )
            answer = None
    scores = _scores(f["scores"], level, rubric, errs)
    if answer is None or scores is None:
        return None
    return Sample(level=level, answer=answer, scores=scores)


def _scores(
    node: yaml.Node, level: str, rubric: tuple[Criterion, ...], errs: nodes.Errors
) -> dict[str, int] | None:
    ids = [c.id for c in rubric]
    what = f"calibration {level} scores"
    f = nodes.mapping(node, dict.fromkeys(ids, True), f"{what} (this kind's rubric)", errs)
    if f is None:
        return None
    scores: dict[str, int] = {}
    for cid, value_node in f.items():
        score = nodes.whole_number(value_node, f"{what}: {cid}", errs, range(1, 6))
        if score is not None:
            scores[cid] = score
    if set(scores) != set(ids):
        return None
    return {cid: scores[cid] for cid in ids}
