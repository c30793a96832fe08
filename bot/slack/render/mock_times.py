"""`/mock` and time: the availability modal, the slot in each partner's local time, "Propose
another time", reminders, "Did it happen?", the pause notice and the expiry notice."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    InputBlock,
    Option,
    StaticSelectElement,
)

from bot.practice.mocks.availability import BLOCK, BLOCK_STARTS, local_label, pick
from bot.practice.mocks.checkins import OUTCOMES, CheckInResult
from bot.practice.mocks.notices import CHECK_IN, PAUSED, REMIND_DAY, MatchNotice
from bot.practice.mocks.queue import ExpiredRequest
from bot.practice.mocks.reschedule import TimeChoice
from bot.practice.mocks.views import MatchView
from bot.slack.render.modal import long_text_input, modal_view
from bot.slack.render.text import context_line, escape, mention, section, slack_date

PROPOSE_ACTION = "mock_propose"  # "Propose another time", in the intro
FIND_ACTION = "mock_find"  # the App Home's "Find a mock partner"
CHECK_IN_ACTION = "mock_checkin"  # "Did it happen?" buttons: mock_checkin_<outcome>
AVAILABILITY_CALLBACK = "mock_availability"
PROPOSE_CALLBACK = "mock_propose_modal"
NOTE_BLOCK = "note"

OUTCOME_LABELS = {
    "happened": "Yes",
    "moved": "We moved it",
    "partner-no-show": "They did not show",
    "could-not-make-it": "I could not make it",
}
assert set(OUTCOME_LABELS) == set(OUTCOMES)


def when_text(start: datetime) -> str:
    return slack_date(start, "{date_long_pretty} at {time}")


def availability_modal(
    tz: str, days: Sequence[Any], picks: Sequence[str], note: str
) -> dict[str, Any]:
    """One row of 3-hour windows per day of the next 7, in the member's own time zone."""
    ticked = set(picks)
    blocks: list[Any] = [
        section(
            f"Tick every time you could meet for a 45-minute mock. Times are in your time zone, "
            f"*{escape(tz)}*. I'll match you with someone who can meet at the same time."
        ),
    ]
    for i, day in enumerate(days):
        options = [
            Option(
                value=pick(day, hour),
                text=f"{hour:02d}-{(hour + BLOCK.seconds // 3600) % 24:02d}",
            )
            for hour in BLOCK_STARTS
        ]
        initial = [o for o in options if o.value in ticked]
        blocks.append(
            InputBlock(
                block_id=f"day{i}",
                label=f"{day:%A} {day.day} {day:%B}",
                optional=True,
                element=CheckboxesElement(
                    action_id="times", options=options, initial_options=initial or None
                ),
            )
        )
    blocks.append(
        long_text_input(
            NOTE_BLOCK,
            "A note for your partner (optional)",
            action_id="value",
            max_length=500,
            optional=True,
            initial=note or None,
        )
    )
    return modal_view(
        "Find a mock partner",
        blocks,
        callback_id=AVAILABILITY_CALLBACK,
        private_metadata=json.dumps({"tz": tz}),
        submit="Find a partner",
    )


def read_availability(values: Mapping[str, Any]) -> tuple[list[str], str]:
    """The ticked windows and the note of a submitted availability modal."""
    picks = []
    for block_id, actions in values.items():
        if block_id.startswith("day"):
            for option in ((actions or {}).get("times") or {}).get("selected_options") or []:
                picks.append(str(option.get("value") or ""))
    note = ((values.get(NOTE_BLOCK) or {}).get("value") or {}).get("value") or ""
    return picks, str(note)


def modal_tz(private_metadata: str) -> str:
    try:
        return str(json.loads(private_metadata or "{}").get("tz") or "UTC")
    except (ValueError, AttributeError):
        return "UTC"


def local_times(match: MatchView, start: datetime) -> str:
    return "; ".join(
        f"{mention(user)}: {local_label(start, match.partners[user].tz)}"
        for user in (match.user_a, match.user_b)
        if user in match.partners
    )


def slot_text(match: MatchView) -> str:
    """The slot as each reader's Slack shows it, and spelled out in each partner's zone."""
    assert match.slot_start is not None and match.slot_end is not None
    minutes = int((match.slot_end - match.slot_start).total_seconds() // 60)
    return (
        f"*When:* {when_text(match.slot_start)} ({minutes} minutes), the time you both gave. "
        f"Local times: {local_times(match, match.slot_start)}. The calendar invite is below; "
        "*Propose another time* picks another slot you both gave."
    )


def reminder_text(notice: MatchNotice) -> str:
    match = notice.match
    assert match.slot_start is not None
    partner = mention(match.partner_of(notice.user_id))
    mine = local_label(match.slot_start, match.partners[notice.user_id].tz)
    lead = "Tomorrow" if notice.kind == REMIND_DAY else "In 15 minutes"
    return (
        f"{lead}: your mock with {partner}, {when_text(match.slot_start)} ({mine} your time). "
        "The case and your roles are in your group DM."
    )


def notice_message(notice: MatchNotice) -> tuple[str, list[dict[str, Any]] | None]:
    """The DM for a reminder, the check-in or the pause notice: text and blocks."""
    if notice.kind == PAUSED:
        return paused_text(notice.until), None
    if notice.kind == CHECK_IN:
        partner = mention(notice.match.partner_of(notice.user_id))
        text = f"Did your mock with {partner} happen?"
        buttons = [
            ButtonElement(
                text=label,
                action_id=f"{CHECK_IN_ACTION}_{outcome}",
                value=str(notice.match.id),
                style="primary" if outcome == "happened" else None,
            )
            for outcome, label in OUTCOME_LABELS.items()
        ]
        blocks = [
            section(text),
            ActionsBlock(block_id="mock_checkin", elements=buttons),
            context_line("Your answer helps us pair people who show up; your partner answers too."),
        ]
        return text, [b.to_dict() for b in blocks]
    return reminder_text(notice), None


def checkin_reply(result: CheckInResult) -> str:
    if result.outcome == "happened":
        return "Thanks! Glad it happened. If you haven't yet, give your feedback in the group DM."
    if result.outcome == "moved":
        return "Thanks, noted that you moved it. Good luck with the mock."
    if result.outcome == "partner-no-show":
        return (
            "Sorry they did not make it. You go to the front of the queue: `/mock` whenever you "
            "want a new partner."
        )
    return "Thanks for saying so. `/mock` whenever you want to try again."


def paused_text(until: datetime | None) -> str:
    when = when_text(until) if until is not None else "two weeks from now"
    return (
        f"Your `/mock` is paused until {when}: two of your mocks in the last 30 days were "
        "missed. Partners keep time free for a mock, so after two missed ones it rests for two "
        "weeks; after that `/mock` works as before. If a report was wrong, tell a channel "
        "manager."
    )


def expired_text(expired: ExpiredRequest) -> str:
    about = f" (_{escape(expired.note)}_)" if expired.note else ""
    if expired.reason == "nobody-else":
        why = "nobody else asked for a mock while it waited."
    else:
        why = "others asked, but none could meet at a time you gave."
        if expired.nearest is not None:
            start, end = expired.nearest
            why += (
                f" The nearest time someone else gave was {when_text(start)} "
                f"({local_label(start, expired.tz)} to "
                f"{local_label(end, expired.tz).split(', ')[-1]} your time)."
            )
    return (
        f"Your mock request{about} expired: {why} "
        "`/mock` puts you back in the queue whenever you like."
    )


def propose_modal(match_id: int, choices: Sequence[TimeChoice], tz: str) -> dict[str, Any]:
    """The slots both partners gave, to move the mock to one."""
    options = [
        Option(value=str(int(c.start.timestamp())), text=local_label(c.start, tz)) for c in choices
    ]
    blocks: list[Any] = [
        section(f"Times you both gave, in your time zone ({escape(tz)})."),
        InputBlock(
            block_id="slot",
            label="Move the mock to",
            element=StaticSelectElement(action_id="start", placeholder="A time", options=options),
        ),
    ]
    return modal_view(
        "Another time",
        blocks,
        callback_id=PROPOSE_CALLBACK,
        private_metadata=str(match_id),
        submit="Move it",
    )


def read_proposal(values: Mapping[str, Any]) -> datetime | None:
    selected = ((values.get("slot") or {}).get("start") or {}).get("selected_option")
    if not selected:
        return None
    return datetime.fromtimestamp(int(selected["value"]), UTC)


def no_other_times() -> str:
    return (
        "You gave no other time you can both make in the coming days. Agree on one in your "
        "group DM, or each run `/mock` with new times after this one."
    )


def moved_text(user_id: str, choice: TimeChoice, match: MatchView | None = None) -> str:
    local = f" Local times: {local_times(match, choice.start)}." if match else ""
    return (
        f"{mention(user_id)} moved the mock to {when_text(choice.start)}.{local} "
        "The reminders follow the new time."
    )
