"""Text helpers shared by the Block Kit builders: Slack's limits, dates, escaping, quoting, and
the small blocks every surface uses (`section`, `context_line`, `header`).

Nothing in the render layer cuts text except `clip` and `split_text` here: a cut ends at a
word boundary with "...", and long text is split over several blocks instead of cut.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    BlockElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

HEADER_LIMIT = 150
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
OPTION_LIMIT = 75  # an option's text and description
MODAL_TITLE_LIMIT = 24
ELLIPSIS = "..."
# A cut inside one word longer than this is done mid-word (a URL, a run of digits).
_WORD_SLACK = 40


def _cut_point(text: str, limit: int) -> int:
    """Where to cut `text` so the first part is at most `limit` long, at a space if any."""
    space = max(text.rfind(" ", 0, limit + 1), text.rfind("\n", 0, limit + 1))
    if space >= max(1, limit - _WORD_SLACK) or (space > 0 and limit < 2 * _WORD_SLACK):
        return space
    cut = limit
    entity = text.rfind("&", max(0, cut - 5), cut)
    if entity != -1 and ";" not in text[entity:cut]:
        cut = entity  # never split an escaped &amp; / &lt; / &gt;
    return max(1, cut)


def clip(text: str, limit: int = SECTION_LIMIT) -> str:
    """`text` if it fits, else cut at a word boundary and ended with "..." (never silently)."""
    if len(text) <= limit:
        return text
    head = text[: _cut_point(text, limit - len(ELLIPSIS))].rstrip(" \n,;:")
    return head + ELLIPSIS


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """`text` in pieces of at most `limit`, split at line breaks, else at spaces."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = _cut_point(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote(text: str) -> str:
    """Every line of `text` as a mrkdwn quote (escaped), blank lines kept inside the quote."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in escape(text).splitlines())


def slack_date(when: datetime, fmt: str = "{date_short_pretty} at {time}") -> str:
    """A date every reader sees in their own time zone (Slack date formatting)."""
    fallback = when.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{fmt}|{fallback}>"


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def bullets(items: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"• {escape(item)}" for item in items)


def section(text: str, accessory: BlockElement | None = None) -> SectionBlock:
    """A mrkdwn section block (with a button or other element beside it); text over Slack's
    limit ends with "..." (use `sections` to keep all of it)."""
    return SectionBlock(text=MarkdownTextObject(text=clip(text)), accessory=accessory)


def context_line(text: str, *more: str) -> ContextBlock:
    """A context block (small grey text): one mrkdwn element, or several side by side; each
    over Slack's limit ends with "..."."""
    return ContextBlock(elements=[MarkdownTextObject(text=clip(t)) for t in (text, *more)])


def header(text: str) -> HeaderBlock:
    """A header block (plain text); over Slack's limit ends with "..."."""
    return HeaderBlock(text=clip(text, HEADER_LIMIT))


def sections(text: str) -> list[SectionBlock]:
    """As many mrkdwn sections as `text` needs: nothing is cut."""
    return [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in split_text(text)]


def quoted_sections(heading: str, text: str) -> list[SectionBlock]:
    """`heading` over every line of `text` quoted, over as many sections as it takes."""
    lines: list[str] = []
    for line in escape(text).splitlines() or [""]:
        pieces = split_text(line, SECTION_LIMIT - 2) if line.strip() else [""]
        lines += [f"> {piece}" if piece else ">" for piece in pieces]
    chunks = [heading]
    for line in lines:
        if len(chunks[-1]) + 1 + len(line) > SECTION_LIMIT:
            chunks.append(line)
        else:
            chunks[-1] = f"{chunks[-1]}\n{line}" if chunks[-1] else line
    return [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in chunks]


def bullet_section(title: str, items: tuple[str, ...] | list[str]) -> SectionBlock:
    """A bold title over a bulleted list, as one section."""
    return section(f"*{title}*\n" + bullets(items))
