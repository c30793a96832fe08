"""Small text helpers shared by the Block Kit builders (Slack's limits, dates, escaping)."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

HEADER_LIMIT = 150
SECTION_LIMIT = 3000


def clip(text: str, limit: int = SECTION_LIMIT) -> str:
    """Cut to Slack's limit for a text field, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_date(when: datetime, fmt: str = "{date_short_pretty} at {time}") -> str:
    """A date every reader sees in their own time zone (Slack date formatting)."""
    fallback = when.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{fmt}|{fallback}>"


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def bullets(items: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"• {escape(item)}" for item in items)


def section(text: str) -> SectionBlock:
    """A mrkdwn section block, cut to Slack's limit."""
    return SectionBlock(text=MarkdownTextObject(text=clip(text)))


def bullet_section(title: str, items: tuple[str, ...] | list[str]) -> SectionBlock:
    """A bold title over a bulleted list, as one section."""
    return section(f"*{title}*\n" + bullets(items))
