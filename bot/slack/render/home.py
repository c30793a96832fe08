"""The App Home tab: reviews waiting (with their buttons), the member's mock, and per practice
channel their progress and the next prompt's date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, DividerBlock, SectionBlock

from bot.practice.home import Home, PendingReview
from bot.practice.mocks.queue import MockStatus
from bot.slack.render.goals import GOAL_HINT, countdown_line
from bot.slack.render.leaderboard import stats_text
from bot.slack.render.members import SETTINGS_HINT, settings_button, settings_text
from bot.slack.render.mock import (
    FEEDBACK_ACTION,
    RATE_ACTION,
    RATE_LABEL,
    SCORE_LABEL,
    value_for,
)
from bot.slack.render.mock_times import FIND_ACTION
from bot.slack.render.review import score_button
from bot.slack.render.review_feedback import own_answer_blocks
from bot.slack.render.text import context_line, escape, header, mention, section, slack_date

MAX_CHANNELS = 5
LEAVE_QUEUE_ACTION = "mock_leave_queue"


def next_prompt_line(next_at: datetime | None) -> str:
    """A date Slack shows in the reader's own time zone ("Tomorrow at 9:00"): never stale."""
    if next_at is None:
        return "Next prompt: none scheduled"
    return f":calendar: Next prompt {slack_date(next_at, '{date_long_pretty} at {time}')}"


def _pending_blocks(home: Home) -> list[Any]:
    if not home.pending:
        return [context_line(":white_check_mark: No reviews waiting for you.")]
    blocks: list[Any] = [section(f"*Reviews waiting for you* ({home.pending_total})")]
    blocks += [_pending_block(p) for p in home.pending]
    if home.pending_total > len(home.pending):
        more = home.pending_total - len(home.pending)
        blocks.append(context_line(f"And {more} more: the buttons are in your review DMs."))
    return blocks


def _pending_block(pending: PendingReview) -> SectionBlock:
    text = (
        f"{mention(pending.author)}'s answer to *{escape(pending.prompt_title)}* in "
        f"<#{pending.channel_id}>\nReviews close {slack_date(pending.reviews_close_at)}"
    )
    return section(text, accessory=score_button(pending.assignment_id))


def _mock_blocks(mock: MockStatus, round_number: int | None) -> list[Any]:
    if mock.status == "in-match" and mock.match_id is not None and round_number is not None:
        value = value_for(mock.match_id, round_number)
        interviewer = mock.role == "interviewer"
        button = ButtonElement(
            text=SCORE_LABEL if interviewer else RATE_LABEL,
            action_id=FEEDBACK_ACTION if interviewer else RATE_ACTION,
            value=value,
            style="primary",
        )
        return [
            section(
                f"*Your mock interview*\nWith {mention(mock.partner_id or '')}"
                + (f", {slack_date(mock.slot_start)}" if mock.slot_start else "")
                + f"; round {round_number}: you are the {mock.role}."
            ),
            ActionsBlock(block_id="home_mock", elements=[button]),
        ]
    if mock.status == "waiting":
        until = slack_date(mock.expires_at) if mock.expires_at else "later"
        return [
            section(
                f"*Your mock interview*\nNumber {mock.place} of {mock.waiting} in the queue; "
                f"your request waits until {until}."
            ),
            ActionsBlock(
                block_id="home_mock",
                elements=[ButtonElement(text="Leave the queue", action_id=LEAVE_QUEUE_ACTION)],
            ),
        ]
    return [
        section(
            "*Mock interviews*\nNot in the queue. Pick when you can meet and I'll find you a "
            "partner for a live one-to-one mock (or `/mock` in any channel).",
            ButtonElement(text="Find a mock partner", action_id=FIND_ACTION, style="primary"),
        )
    ]


def home_view(home: Home, names: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The Home tab; `names`: each channel's criterion names, by channel id."""
    blocks: list[Any] = [header("Your interview practice")]
    blocks += _pending_blocks(home)
    for own in home.own:
        blocks += own_answer_blocks(own)
    blocks.append(DividerBlock())
    blocks += _mock_blocks(home.mock, home.mock_round)
    blocks.append(DividerBlock())
    blocks.append(
        section(
            settings_text(home.prefs, home.away_now, home.away_next), accessory=settings_button()
        )
    )
    blocks.append(context_line(SETTINGS_HINT))
    blocks.append(DividerBlock())
    if home.goal is not None:
        blocks.append(section(countdown_line(home.goal, home.goal_days_left)))
    else:
        blocks.append(section("*Target interview*: none set."))
    blocks.append(context_line(GOAL_HINT))
    if not home.channels:
        blocks.append(DividerBlock())
        blocks.append(
            section(
                "No practice channel here yet. Invite me to a channel "
                "(`/invite @Practice Bot`) and answer the daily prompt in its thread."
            )
        )
    for item in home.channels[:MAX_CHANNELS]:
        blocks.append(DividerBlock())
        if item.stats is not None:
            text = stats_text(item.stats, names[item.channel.channel_id])
        else:
            text = (
                f"*<#{item.channel.channel_id}>*\nNo answers from you in the last weeks: "
                "answer the next prompt in its thread to start your streak."
            )
        blocks.append(section(text))
        blocks.append(context_line(next_prompt_line(item.next_prompt_at)))
    blocks.append(
        context_line(
            "`/practice leaderboard` for the standings, `/practice stats` in a channel for this "
            "view there, `/practice help` for how points are made."
        )
    )
    return {"type": "home", "blocks": [b.to_dict() for b in blocks]}
