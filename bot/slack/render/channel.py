"""Messages about a channel's practice: welcome, help, confirmations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.practice.channels import ChannelView
from bot.practice.schedule import describe_weekdays, parse_weekdays
from bot.slack.render.text import context_line, section


def schedule_line(channel: ChannelView) -> str:
    days = describe_weekdays(parse_weekdays(channel.weekdays))
    hours = channel.answer_window_minutes / 60
    window = f"{hours:g} hour{'s' if hours != 1 else ''}"
    return (
        f"{days.capitalize()} at {channel.post_time} ({channel.timezone}); answers close after "
        f"{window}; {channel.reviewers_per_answer} reviewer(s) per answer; "
        f"pack `{channel.content_pack}`"
    )


def setup_outcome(status: str, channel: ChannelView | None) -> str:
    """The ephemeral answer to a submitted setup modal (`services.channels.SetupSaved`)."""
    if status == "saved" and channel is not None:
        return f"Saved. Schedule: {schedule_line(channel)}."
    if status == "refused":
        return (
            "I did not save that setup: only this channel's creator and workspace admins can "
            "change its practice. Ask one of them, or see the schedule with `/practice help`."
        )
    return (
        "I did not save that setup: there is no practice in this channel any more. Invite me "
        "back (`/invite @Practice Bot`) and try `/practice setup` again."
    )


def welcome_blocks(channel: ChannelView) -> tuple[str, list[dict[str, Any]]]:
    text = (
        ":wave: *Hi! I run interview practice here.*\n"
        "• Each practice day I post a case prompt. Answer it in the prompt's thread: your first "
        "reply is your answer, later replies are follow-ups.\n"
        "• When answers close, every answer gets peer reviewers who play the skeptic: they "
        "challenge it in the thread and score it on a rubric.\n"
        "• Every Monday I post the week's leaderboard. `/mock` finds you a partner for a live "
        "one-to-one mock interview.\n"
        f"*Schedule:* {schedule_line(channel)}."
    )
    blocks = [
        section(text),
        context_line(
            "Change it with `/practice setup` (channel managers and admins), see "
            "everything with `/practice help`, or `/practice pause` to stop for a while."
        ),
    ]
    return "Hi! I run interview practice in this channel.", [b.to_dict() for b in blocks]


@dataclass(frozen=True)
class HelpLine:
    """One line of `/practice help`, declared next to the handler it describes."""

    usage: str  # e.g. "`/practice review on|off`"
    text: str
    manager_only: bool = False


def help_text(lines: Sequence[HelpLine], scoring: str = "") -> str:
    """`/practice help` from the command registry's lines (`help_lines()`)."""
    text = "\n".join(
        ["*Practice bot* commands"]
        + [f"• {line.usage}: {line.text}{'*' if line.manager_only else ''}" for line in lines]
        + ["_* channel creator and workspace admins only_"]
    )
    return text + (f"\n\n{scoring}" if scoring else "")
