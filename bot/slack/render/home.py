"""The App Home tab: the user's progress per practice channel and when the next prompt comes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
)

from bot.models import Channel
from bot.practice.leaderboard.stats import HomeItem
from bot.slack.render.leaderboard import stats_text
from bot.slack.render.text import section, slack_date

MAX_CHANNELS = 5


def next_prompt_line(next_at: datetime | None, now: datetime) -> str:
    if next_at is None:
        return "Next prompt: none scheduled"
    minutes = max(0, int((next_at - now).total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}d"] if days else []
    parts += [f"{hours}h"] if hours or days else []
    parts.append(f"{minutes}m")
    return f"Next prompt in {' '.join(parts)} ({slack_date(next_at)})"


def home_view(
    items: Sequence[HomeItem],
    now: datetime,
    names_for: Callable[[Channel], Mapping[str, str]],
) -> dict[str, Any]:
    blocks: list[Any] = [HeaderBlock(text="Your interview practice")]
    if not items:
        blocks.append(
            section(
                "No practice channel here yet. Invite me to a channel "
                "(`/invite @Practice Bot`) and answer the daily prompt in its thread."
            )
        )
    for item in list(items)[:MAX_CHANNELS]:
        blocks.append(DividerBlock())
        if item.stats is not None:
            text = stats_text(item.stats, names_for(item.channel))
        else:
            text = (
                f"*<#{item.channel.channel_id}>*\nNo answers from you in the last weeks: "
                "answer the next prompt in its thread to start your streak."
            )
        blocks.append(section(text))
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=next_prompt_line(item.next_prompt_at, now))]
            )
        )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="`/practice leaderboard` for the standings, `/practice stats` in a "
                    "channel for this view there, `/practice help` for how points are made."
                )
            ]
        )
    )
    return {"type": "home", "blocks": [b.to_dict() for b in blocks]}
