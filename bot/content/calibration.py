"""Calibration answers: weak, middling and strong samples per prompt, each score with its reason.

Each sample scores exactly the prompt's applicable criteria; every score has a `why` that
starts with the same number. The means fall in bands (weak below 2.5, middling 2.5 to 3.5,
strong above 3.5) so that reviewers get a reference for the middle of the scale.
"""

from __future__ import annotations

import re

import yaml

from bot.content import nodes
from bot.content.model import FAILS, LEVELS, Criterion, Sample

# Words per sample answer: short enough to read before scoring, long enough to be an answer.
WORDS = {"weak": range(40, 91), "middling": range(60, 141), "strong": range(80, 161)}
# Mean score bands, inclusive bounds; the middling band is where reviewers disagree.
WEAK_BELOW = 2.5
MIDDLING_BAND = (2.5, 3.5)
STRONG_ABOVE = 3.5
_LEADING_SCORE = re.compile(r"^\s*([0-9]+)\b")


def read_calibration(
    node: yaml.Node, criteria: tuple[Criterion, ...], errs: nodes.Errors
) -> tuple[Sample, ...] | None:
    """`calibration: {weak, middling, strong}`, each `{answer, scores, why}` (`fails` on weak),
    scored on exactly the prompt's applicable criteria, with means in their bands."""
    f = nodes.mapping(node, dict.fromkeys(LEVELS, True), "calibration", errs)
    if f is None or any(level not in f for level in LEVELS):
        return None
    samples = [_sample(level, f[level], criteria, errs) for level in LEVELS]
    if any(s is None for s in samples):
        return None
    out = tuple(s for s in samples if s is not None)
    for sample in out:
        _check_band(sample, f[sample.level], errs)
    return out


def _check_band(sample: Sample, node: yaml.Node, errs: nodes.Errors) -> None:
    mean = sample.mean
    low, high = MIDDLING_BAND
    if sample.level == "weak" and not mean < WEAK_BELOW:
        errs.add(
            node, f"calibration weak: mean score {mean:.2f}; a weak sample is below {WEAK_BELOW}"
        )
    elif sample.level == "middling" and not low <= mean <= high:
        errs.add(node, f"calibration middling: mean score {mean:.2f}; between {low} and {high}")
    elif sample.level == "strong" and not mean > STRONG_ABOVE:
        errs.add(node, f"calibration strong: mean score {mean:.2f}; above {STRONG_ABOVE}")


def _sample(
    level: str, node: yaml.Node, criteria: tuple[Criterion, ...], errs: nodes.Errors
) -> Sample | None:
    keys = {"fails": level == "weak", "answer": True, "scores": True, "why": True}
    if level != "weak":
        del keys["fails"]
    f = nodes.mapping(node, keys, f"calibration {level}", errs)
    if f is None or any(k not in f for k, required in keys.items() if required):
        return None
    answer = _answer(f["answer"], level, errs)
    scores = _scores(f["scores"], level, criteria, errs)
    why = _why(f["why"], level, scores, criteria, errs)
    fails = _fails(f["fails"], errs) if "fails" in f else ""
    if answer is None or scores is None or why is None or fails is None:
        return None
    return Sample(level=level, answer=answer, scores=scores, why=why, fails=fails)


def _answer(node: yaml.Node, level: str, errs: nodes.Errors) -> str | None:
    answer = nodes.text(node, f"calibration {level} answer", errs)
    if answer is None:
        return None
    words = len(answer.split())
    bounds = WORDS[level]
    if words not in bounds:
        errs.add(
            node,
            f"calibration {level} answer has {words} words; {bounds.start} to {bounds.stop - 1}",
        )
        return None
    return answer


def _fails(node: yaml.Node, errs: nodes.Errors) -> str | None:
    label = nodes.identifier(node, "calibration weak fails", errs)
    if label is not None and label not in FAILS:
        errs.add(
            node, f"calibration weak fails: unknown label '{label}' (known: {', '.join(FAILS)})"
        )
        return None
    return label


def _scores(
    node: yaml.Node, level: str, criteria: tuple[Criterion, ...], errs: nodes.Errors
) -> dict[str, int] | None:
    ids = [c.id for c in criteria]
    what = f"calibration {level} scores"
    f = nodes.mapping(node, dict.fromkeys(ids, True), f"{what} (the prompt's criteria)", errs)
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


def _why(
    node: yaml.Node,
    level: str,
    scores: dict[str, int] | None,
    criteria: tuple[Criterion, ...],
    errs: nodes.Errors,
) -> dict[str, str] | None:
    """One reason per score, starting with the same number ("4, not 5: the bar is asserted")."""
    ids = [c.id for c in criteria]
    what = f"calibration {level} why"
    f = nodes.mapping(node, dict.fromkeys(ids, True), f"{what} (one reason per score)", errs)
    if f is None:
        return None
    why: dict[str, str] = {}
    for cid, value_node in f.items():
        reason = nodes.text(value_node, f"{what}: {cid}", errs, one_line=True)
        if reason is None:
            continue
        lead = _LEADING_SCORE.match(reason)
        score = (scores or {}).get(cid)
        if lead is None:
            errs.add(value_node, f"{what}: {cid} must start with its score ('{score}: ...')")
        elif score is not None and int(lead.group(1)) != score:
            errs.add(
                value_node,
                f"{what}: {cid} starts with {lead.group(1)} but the score is {score}",
            )
        else:
            why[cid] = reason
    if set(why) != set(ids):
        return None
    return {cid: why[cid] for cid in ids}
