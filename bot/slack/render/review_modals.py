"""Skeptic reviews' modals: the challenge and scoring forms, and how their submissions are read
back."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from bot.content import Criterion
from bot.practice.reviews.votes import MAX_CHALLENGE_CHARS, MAX_COMMENT_CHARS, ReviewTarget
from bot.slack.render.calibration import samples_button
from bot.slack.render.modal import long_text_input, modal_view, score_choice
from bot.slack.render.text import (
    FIELD_LIMIT,
    OPTION_LIMIT,
    bullets,
    clip,
    context_line,
    mention,
    quoted_sections,
    section,
)

CHALLENGE_CALLBACK = "review_challenge_modal"
SCORE_CALLBACK = "review_score_modal"
SCORE_ACTION_ID = "score"  # the radio buttons' action id in each criterion's input block
COMMENT_BLOCK = "comment"
CHALLENGE_BLOCK = "challenge"
TEXT_ACTION_ID = "text"


def _answer_context(target: ReviewTarget) -> list[Any]:
    """The whole answer, every line quoted (split over sections when long)."""
    return quoted_sections(f"*{mention(target.author)}'s answer*", target.answer_text)


class ModalSource(NamedTuple):
    """Where a review modal came from: the assignment, and the DM message whose button opened
    it (so that message can be updated once the modal is saved)."""

    assignment_id: int | None
    dm_channel: str | None = None
    dm_ts: str | None = None


def _metadata(target: ReviewTarget, source: ModalSource) -> str:
    return json.dumps(
        {
            "assignment": target.assignment_id,
            "dm": source.dm_channel or "",
            "ts": source.dm_ts or "",
        }
    )


def read_metadata(private_metadata: str) -> ModalSource:
    """The assignment and DM message from a review modal's private_metadata."""
    try:
        data = json.loads(private_metadata or "{}")
        return ModalSource(
            int(data["assignment"]),
            str(data.get("dm") or "") or None,
            str(data.get("ts") or "") or None,
        )
    except (ValueError, KeyError, TypeError):
        return ModalSource(None)


def challenge_modal(target: ReviewTarget, source: ModalSource) -> dict[str, Any]:
    blocks: list[Any] = _answer_context(target)
    if target.challenges:
        blocks.append(context_line("Ideas from the prompt:\n" + bullets(target.challenges)))
    blocks.append(
        long_text_input(
            CHALLENGE_BLOCK,
            "Your challenge",
            action_id=TEXT_ACTION_ID,
            max_length=MAX_CHALLENGE_CHARS,
            hint="Posted in the prompt's thread, addressed to the author, as your challenge.",
            placeholder="What would make you doubt this answer?",
        )
    )
    return modal_view(
        "Post a challenge",
        blocks,
        callback_id=CHALLENGE_CALLBACK,
        private_metadata=_metadata(target, source),
        submit="Post",
    )


def _score_hint(criterion: Criterion) -> str | None:
    """The question, and every anchor in full when one is too long for its radio button."""
    hint = criterion.question or ""
    if any(len(a) > OPTION_LIMIT for a in criterion.anchors.values()):
        anchors = "  ".join(f"{s}: {criterion.anchors[s]}" for s in sorted(criterion.anchors))
        hint = f"{hint}  {anchors}".strip()
    return clip(hint, FIELD_LIMIT) if hint else None


def score_modal(
    target: ReviewTarget, rubric: Sequence[Criterion], source: ModalSource
) -> dict[str, Any]:
    """One 1-5 choice per criterion (question and anchors shown), plus an optional comment."""
    blocks: list[Any] = _answer_context(target)
    if target.samples:
        blocks.append(samples_button(target.assignment_id))
    for criterion in rubric:
        current = target.scores.get(criterion.id)
        blocks.append(score_choice(criterion, SCORE_ACTION_ID, current, _score_hint(criterion)))
    blocks.append(
        long_text_input(
            COMMENT_BLOCK,
            "A comment for the author (optional)",
            action_id=TEXT_ACTION_ID,
            max_length=MAX_COMMENT_CHARS,
            optional=True,
            initial=target.comment or None,
        )
    )
    return modal_view(
        "Score this answer",
        blocks,
        callback_id=SCORE_CALLBACK,
        private_metadata=_metadata(target, source),
        submit="Save scores",
    )


def read_scores(
    state_values: Mapping[str, Any], criteria: Sequence[str]
) -> tuple[dict[str, int | None], str]:
    """({criterion: score or None}, comment) from a submitted scoring modal.

    Criteria in the form but not in `criteria` are kept, so the domain can refuse them.
    """
    scores: dict[str, int | None] = {c: None for c in criteria}
    for block_id, actions in state_values.items():
        if block_id == COMMENT_BLOCK or not isinstance(actions, dict):
            continue
        element = actions.get(SCORE_ACTION_ID)
        if not isinstance(element, dict):
            continue
        option = element.get("selected_option") or {}
        value = str(option.get("value") or "") if isinstance(option, dict) else ""
        scores[block_id] = int(value) if value.lstrip("-").isdigit() else None
    comment_element = (state_values.get(COMMENT_BLOCK) or {}).get(TEXT_ACTION_ID) or {}
    comment = str(comment_element.get("value") or "") if isinstance(comment_element, dict) else ""
    return scores, comment


def read_challenge(state_values: Mapping[str, Any]) -> str:
    element = (state_values.get(CHALLENGE_BLOCK) or {}).get(TEXT_ACTION_ID) or {}
    return str(element.get("value") or "") if isinstance(element, dict) else ""


def notice_view(title: str, message: str) -> dict[str, Any]:
    """A modal that only tells the user something (a refusal after submitting)."""
    return modal_view(title, [section(message)], close="OK")
