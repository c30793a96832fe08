"""Modal views and the form inputs several modals share: the view itself, a long text answer,
and a 1-5 score per rubric criterion."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from bot.content import Criterion
from bot.slack.render.text import FIELD_LIMIT, MODAL_TITLE_LIMIT, OPTION_LIMIT, clip

SCORES = (1, 2, 3, 4, 5)


def modal_view(
    title: str,
    blocks: list[Any],
    *,
    callback_id: str | None = None,
    private_metadata: str | None = None,
    submit: str | None = None,
    close: str = "Cancel",
) -> dict[str, Any]:
    """A modal's view; without `submit` it only shows something and has no callback."""
    view = View(
        type="modal",
        callback_id=callback_id,
        private_metadata=private_metadata,
        title=clip(title, MODAL_TITLE_LIMIT),
        submit=submit,
        close=close,
        blocks=blocks,
    )
    return view.to_dict()


def long_text_input(
    block_id: str,
    label: str,
    *,
    action_id: str,
    max_length: int,
    optional: bool = False,
    hint: str | None = None,
    placeholder: str | None = None,
    initial: str | None = None,
) -> InputBlock:
    """A multi-line free-text answer (a challenge, a comment)."""
    return InputBlock(
        block_id=block_id,
        label=label,
        hint=hint,
        optional=optional or None,  # left out when required, as the other inputs do
        element=PlainTextInputElement(
            action_id=action_id,
            multiline=True,
            max_length=max_length,
            placeholder=placeholder,
            initial_value=initial,
        ),
    )


def score_choice(
    criterion: Criterion, action_id: str, current: int | None = None, hint: str | None = None
) -> InputBlock:
    """One criterion's 1-5 radio buttons, each with its anchor, `current` already chosen."""
    options = [
        Option(
            value=str(score),
            text=str(score),
            description=clip(anchor, OPTION_LIMIT)
            if (anchor := criterion.anchors.get(score))
            else None,
        )
        for score in SCORES
    ]
    initial = next((o for o in options if o.value == str(current)), None)
    return InputBlock(
        block_id=criterion.id,
        label=clip(criterion.name, FIELD_LIMIT),
        hint=hint,
        element=RadioButtonsElement(action_id=action_id, options=options, initial_option=initial),
    )
