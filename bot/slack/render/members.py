"""A member's own settings, as `/practice me` and the App Home show them."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ButtonElement,
    DatePickerElement,
    InputBlock,
    Option,
    RadioButtonsElement,
    TimePickerElement,
)

from bot.practice.members.settings import Away, MemberPrefs, format_minutes
from bot.slack.render.modal import modal_view

REMINDER_WORDS = {
    "all": "all (the reviewer's brief, reminders, plans)",
    "brief": "the brief only (no reminders)",
    "none": "none (reviews to do are listed here in the App Home)",
}

SETTINGS_HINT = (
    "Change with `/practice me away YYYY-MM-DD` (or `away off`), `/practice me quiet 22:00-08:00`"
    " (or `quiet off`), `/practice me reminders all|brief|none`, `/practice me listed yes|no`."
)


def _away_line(away_now: Away | None, away_next: Away | None) -> str:
    if away_now is not None:
        return (
            f"*Away* until {away_now.last.isoformat()} (included): no reviews, no reminders, "
            "`/mock` paused, your streak is kept."
        )
    if away_next is not None:
        return f"*Away* from {away_next.first.isoformat()} to {away_next.last.isoformat()}."
    return "*Away*: no."


def settings_text(
    prefs: MemberPrefs, away_now: Away | None, away_next: Away | None, *, title: bool = True
) -> str:
    quiet = (
        f"{format_minutes(prefs.quiet_start)}-{format_minutes(prefs.quiet_end)} ({prefs.tz}); "
        "DMs wait until they end"
        if prefs.has_quiet_hours and prefs.quiet_start is not None and prefs.quiet_end is not None
        else "none"
    )
    listed = (
        "yes"
        if prefs.listed
        else "no (counted as a member who chose not to be listed; you still see your rank)"
    )
    lines = [
        "*Your settings*" if title else "",
        _away_line(away_now, away_next),
        f"*Quiet hours*: {quiet}",
        f"*Reminders*: {REMINDER_WORDS.get(prefs.reminders, prefs.reminders)}",
        f"*Named on the leaderboard*: {listed}",
    ]
    return "\n".join(line for line in lines if line)


def settings_reply(
    message: str, prefs: MemberPrefs, away_now: Away | None, away_next: Away | None
) -> str:
    head = f"{message}\n\n" if message else ""
    return f"{head}{settings_text(prefs, away_now, away_next)}\n{SETTINGS_HINT}"


SETTINGS_ACTION = "member_settings_open"
SETTINGS_CALLBACK = "member_settings"
REMINDER_OPTIONS = {"all": "All", "brief": "The reviewer's brief only", "none": "None"}


class FormError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def settings_button() -> ButtonElement:
    return ButtonElement(text="Change my settings", action_id=SETTINGS_ACTION)


def _radio(block_id: str, label: str, options: dict[str, str], initial: str) -> InputBlock:
    choices = [Option(value=v, label=t) for v, t in options.items()]
    return InputBlock(
        block_id=block_id,
        label=label,
        element=RadioButtonsElement(
            action_id="choice",
            options=choices,
            initial_option=next(o for o in choices if o.value == initial),
        ),
    )


def settings_modal(prefs: MemberPrefs, away_next: Away | None, tz: str) -> dict[str, Any]:
    """The App Home's form: every setting at once. `tz`: the member's Slack time zone."""
    quiet = [
        InputBlock(
            block_id=f"quiet_{edge}",
            label=f"Quiet hours {edge}s ({tz})",
            optional=True,
            element=TimePickerElement(
                action_id="time",
                initial_time=format_minutes(value) if value is not None else None,
            ),
        )
        for edge, value in (("start", prefs.quiet_start), ("end", prefs.quiet_end))
    ]
    blocks = [
        InputBlock(
            block_id="away",
            label="Away until (included)",
            optional=True,
            hint="No reviews, no reminders, /mock paused, streak kept. Empty: not away.",
            element=DatePickerElement(
                action_id="date",
                initial_date=away_next.last.isoformat() if away_next else None,
            ),
        ),
        *quiet,
        _radio("reminders", "Reminders", REMINDER_OPTIONS, prefs.reminders),
        _radio(
            "listed",
            "Name me on the leaderboard",
            {"yes": "Yes", "no": "No: count me without my name"},
            "yes" if prefs.listed else "no",
        ),
    ]
    return modal_view(
        "My settings",
        blocks,
        callback_id=SETTINGS_CALLBACK,
        private_metadata=tz,
        submit="Save",
    )


def read_settings_form(values: dict[str, Any]) -> list[tuple[str, str]]:
    """The form as `/practice me` changes, in order; raises FormError on a half-set range."""

    def picked(block: str, action: str, key: str) -> str:
        return str(((values.get(block) or {}).get(action) or {}).get(key) or "")

    def choice(block: str) -> str:
        return str(
            (((values.get(block) or {}).get("choice") or {}).get("selected_option") or {}).get(
                "value"
            )
            or ""
        )

    away = picked("away", "date", "selected_date")
    start = picked("quiet_start", "time", "selected_time")
    end = picked("quiet_end", "time", "selected_time")
    if bool(start) != bool(end):
        raise FormError("quiet_end" if start else "quiet_start", "Give both ends, or neither.")
    if start and start == end:
        raise FormError("quiet_end", "The end must differ from the start.")
    return [
        ("away", away or "off"),
        ("quiet", f"{start}-{end}" if start else "off"),
        ("reminders", choice("reminders") or "all"),
        ("listed", choice("listed") or "yes"),
    ]
