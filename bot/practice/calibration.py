"""Calibration: a reviewer scores a prompt's sample answer, to compare with the pack's scores.

Each prompt of a pack may carry sample answers (a weak and a strong one) with the pack's own
scores (`Prompt.calibration`, content issue 15). A reviewer can score one from their review DM
or the score modal; the scores are kept per channel with the pack's score next to each, so
`reviewer_agreement` can say how close a reviewer is to the pack without loading content.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import Criterion, Library
from bot.models import CalibrationScore, Channel, PromptPost, ReviewAssignment


@dataclass(frozen=True)
class SampleRef:
    """Which sample answer: the pack, the prompt and the level ("weak", "middling" or "strong")."""

    pack_id: str
    prompt_id: str
    level: str


class CalibrationError(ValueError):
    """A calibration score that cannot be stored; the message says why."""


def record_calibration(
    session: Session,
    channel: Channel,
    reviewer_id: str,
    sample: SampleRef,
    scores: Mapping[str, int],
    reference: Mapping[str, int],
    now: datetime,
) -> int:
    """Store (or replace) the reviewer's scores of one sample; returns how many were stored.

    Only criteria the pack scored are kept: without a reference there is nothing to compare.
    The caller commits.
    """
    kept = {c: int(s) for c, s in scores.items() if c in reference}
    if not kept:
        raise CalibrationError("None of these criteria has a reference score in the pack.")
    if any(not 1 <= s <= 5 for s in kept.values()):
        raise CalibrationError("Scores run from 1 to 5.")
    existing = {
        row.criterion: row
        for row in session.scalars(
            select(CalibrationScore).where(
                CalibrationScore.channel_pk == channel.id,
                CalibrationScore.prompt_id == sample.prompt_id,
                CalibrationScore.level == sample.level,
                CalibrationScore.reviewer_id == reviewer_id,
            )
        )
    }
    for criterion, score in kept.items():
        row = existing.get(criterion)
        if row is None:
            row = CalibrationScore(
                channel_pk=channel.id,
                pack_id=sample.pack_id,
                prompt_id=sample.prompt_id,
                level=sample.level,
                reviewer_id=reviewer_id,
                criterion=criterion,
            )
            session.add(row)
        row.score, row.reference, row.updated_at = score, int(reference[criterion]), now
    session.flush()
    return len(kept)


# --- the samples of a review's prompt ----------------------------------------------------------


@dataclass(frozen=True)
class SampleAnswer:
    level: str  # "weak", "middling" or "strong"
    answer: str
    scores: dict[str, int]  # the pack's scores, criterion id -> 1..5
    why: dict[str, str] = field(default_factory=dict)  # the pack's reason for each score


@dataclass(frozen=True)
class CalibrationSet:
    """A reviewer's view of one prompt's sample answers, and what they already gave them."""

    assignment_id: int
    channel_pk: int
    pack_id: str
    prompt_id: str
    title: str
    samples: tuple[SampleAnswer, ...]
    mine: dict[str, dict[str, int]]  # level -> criterion -> the reviewer's score

    def sample(self, level: str) -> SampleAnswer | None:
        return next((s for s in self.samples if s.level == level), None)


# The middling sample first: reviewers agree on the weak and the strong one; the middle of
# the scale is where they disagree, so that is the sample worth calibrating on.
LEVEL_ORDER = {"middling": 0, "weak": 1, "strong": 2}


def samples_of(snapshot: Mapping[str, Any]) -> tuple[SampleAnswer, ...]:
    """The sample answers in a post's prompt snapshot (`Prompt.calibration`, as JSON); none
    for prompts written before calibration existed.

    Reference scores are kept only for the criteria the snapshot applies (`criteria`; all
    when it names none), so agreement is never measured on a criterion that does not apply.
    """
    applies = {str(c) for c in snapshot.get("criteria") or ()}
    found = []
    for raw in snapshot.get("calibration") or ():
        if not isinstance(raw, Mapping) or not raw.get("answer"):
            continue
        scores = {
            str(c): int(s)
            for c, s in (raw.get("scores") or {}).items()
            if not applies or str(c) in applies
        }
        why = {str(c): str(w) for c, w in (raw.get("why") or {}).items() if str(c) in scores}
        found.append(SampleAnswer(str(raw.get("level") or ""), str(raw["answer"]), scores, why))
    return tuple(sorted(found, key=lambda s: (LEVEL_ORDER.get(s.level, 3), s.level)))


def calibration_set(
    session: Session, assignment_id: int, reviewer_id: str
) -> CalibrationSet | None:
    """The samples of the prompt behind the reviewer's assignment; None if the assignment is
    not theirs or the prompt has no samples."""
    assignment = session.get(ReviewAssignment, assignment_id)
    if assignment is None or assignment.reviewer_id != reviewer_id:
        return None
    post = session.get(PromptPost, assignment.post_id)
    samples = samples_of(post.prompt or {}) if post is not None else ()
    if post is None or not samples:
        return None
    mine: dict[str, dict[str, int]] = {}
    for row in session.scalars(
        select(CalibrationScore).where(
            CalibrationScore.channel_pk == post.channel_pk,
            CalibrationScore.prompt_id == post.prompt_id,
            CalibrationScore.reviewer_id == reviewer_id,
        )
    ):
        mine.setdefault(row.level, {})[row.criterion] = row.score
    title = str((post.prompt or {}).get("title") or post.prompt_id)
    return CalibrationSet(
        assignment_id, post.channel_pk, post.pack_id, post.prompt_id, title, samples, mine
    )


@dataclass(frozen=True)
class CalibrationResult:
    stored: bool
    message: str = ""  # why not, when not stored
    level: str = ""
    mine: dict[str, int] | None = None
    reference: dict[str, int] | None = None
    pack_id: str = ""
    why: dict[str, str] | None = None  # the pack's reason for each reference score


def criteria_of(library: Library, cs: CalibrationSet, ids: list[str]) -> list[Criterion]:
    """The pack's criteria for `ids` (the ones a sample was scored on), in rubric order."""
    pack = library.pack(cs.pack_id)
    found = [c for c in (pack.criterion(i) if pack else None for i in ids) if c is not None]
    known = {c.id for c in found}
    return found + [Criterion(id=i, name=i, question="", anchors={}) for i in ids if i not in known]


def criterion_names(library: Library, cs: CalibrationSet) -> dict[str, str]:
    ids = sorted({c for s in cs.samples for c in s.scores})
    return {c.id: c.name for c in criteria_of(library, cs, ids)}
