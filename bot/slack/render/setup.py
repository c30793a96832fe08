"""The `/practice setup` modal and how its submission is read back."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    TimePickerElement,
)

from bot.practice.channels import ANSWER_WINDOW_CHOICES, MAX_REVIEWERS, ScheduleSettings
from bot.practice.schedule import WEEKDAY_NAMES, parse_weekdays
from bot.slack.render.modal import modal_view
from bot.slack.render.text import OPTION_LIMIT, clip

CALLBACK_ID = "practice_setup"
# block ids double as the field names `validate_settings` reports problems under.
FIELDS = (
    "post_time",
    "timezone",
    "weekdays",
    "answer_window_minutes",
    "reviewers_per_answer",
    "content_pack",
)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g} hours" if minutes != 60 else "1 hour"


def _pick(options: list[Option], value: str) -> Option | None:
    return next((o for o in options if o.value == value), None)


def _select(field: str, label: str, options: list[Option], value: str) -> InputBlock:
    """A required single choice, pre-set to the current value."""
    return InputBlock(
        block_id=field,
        label=label,
        element=StaticSelectElement(
            action_id="value", options=options, initial_option=_pick(options, value)
        ),
    )


def setup_modal(
    channel_id: str, current: ScheduleSettings, packs: dict[str, str]
) -> dict[str, Any]:
    """The modal; `packs` maps pack id to its title."""
    day_options = [
        Option(value=str(i + 1), text=name.capitalize()) for i, name in enumerate(WEEKDAY_NAMES)
    ]
    chosen_days = parse_weekdays(current.weekdays)
    windows = sorted({*ANSWER_WINDOW_CHOICES, current.answer_window_minutes})
    window_options = [Option(value=str(m), text=_hours(m)) for m in windows]
    reviewer_options = [Option(value=str(n), text=str(n)) for n in range(1, MAX_REVIEWERS + 1)]
    pack_options = [
        Option(value=pid, text=clip(title, OPTION_LIMIT)) for pid, title in sorted(packs.items())
    ]
    blocks = [
        InputBlock(
            block_id="post_time",
            label="Post time",
            element=TimePickerElement(action_id="value", initial_time=current.post_time),
        ),
        InputBlock(
            block_id="timezone",
            label="Time zone",
            hint="An IANA name, e.g. Europe/Berlin or America/Los_Angeles",
            element=PlainTextInputElement(action_id="value", initial_value=current.timezone),
        ),
        InputBlock(
            block_id="weekdays",
            label="Practice days",
            element=CheckboxesElement(
                action_id="value",
                options=day_options,
                initial_options=[o for o in day_options if int(o.value) in chosen_days],
            ),
        ),
        _select(
            "answer_window_minutes",
            "Answer window",
            window_options,
            str(current.answer_window_minutes),
        ),
        _select(
            "reviewers_per_answer",
            "Reviewers per answer",
            reviewer_options,
            str(current.reviewers_per_answer),
        ),
        _select("content_pack", "Content pack", pack_options, current.content_pack),
    ]
    return modal_view(
        "Practice setup",
        blocks,
        callback_id=CALLBACK_ID,
        private_metadata=channel_id,
        submit="Save",
    )


class SubmissionError(ValueError):
    """A field is missing or unreadable; `field` names the block to flag in the modal."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def read_submission(state_values: dict[str, Any]) -> ScheduleSettings:
    """ScheduleSettings from `view.state.values`; raises SubmissionError for a bad field."""

    def element(field: str) -> dict[str, Any]:
        value = (state_values.get(field) or {}).get("value")
        if not isinstance(value, dict):
            raise SubmissionError(field, "please fill this in")
        return value

    def selected(field: str) -> str:
        option = element(field).get("selected_option") or {}
        if not isinstance(option, dict) or not option.get("value"):
            raise SubmissionError(field, "please choose one")
        return str(option["value"])

    def number(field: str) -> int:
        text = selected(field)
        if not text.isdigit():
            raise SubmissionError(field, "please choose one of the options")
        return int(text)

    post_time = element("post_time").get("selected_time")
    if not isinstance(post_time, str) or not post_time:
        raise SubmissionError("post_time", "please pick a time")
    timezone = element("timezone").get("value")
    if not isinstance(timezone, str) or not timezone.strip():
        raise SubmissionError("timezone", "please enter a time zone")
    days = element("weekdays").get("selected_options") or []
    if not isinstance(days, list):
        raise SubmissionError("weekdays", "please pick at least one day")
    weekdays = ",".join(str(o.get("value", "")) for o in days if isinstance(o, dict))
    return ScheduleSettings(
        post_time=post_time,
        timezone=timezone.strip(),
        weekdays=weekdays,
        answer_window_minutes=number("answer_window_minutes"),
        reviewers_per_answer=number("reviewers_per_answer"),
        content_pack=selected("content_pack"),
    )
