"""The daily prompt message and the answer-window notes in its thread."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import DividerBlock

from bot.content import ContextTable, Prompt, prompt_from_snapshot
from bot.content.tables import table_lines
from bot.practice.posting import PromptToPost
from bot.slack.render.text import (
    context_line,
    escape,
    header,
    section,
    sections,
    slack_date,
)

DIFFICULTY = {1: "warm-up", 2: "standard", 3: "stretch"}


def table_text(table: ContextTable) -> str:
    """A context table as a monospace block: Slack has no table block for bot messages.

    The lines come from `table_lines`, the same function `content check` measures, so no
    line is wider than a phone shows (60 characters).
    """
    caption = f"*{escape(table.caption)}*\n" if table.caption else ""
    return caption + "```" + "\n".join(table_lines(table)) + "```"


def prompt_blocks(post: PromptToPost) -> tuple[str, list[dict[str, Any]]]:
    """(fallback text, blocks) for a post's prompt message."""
    prompt: Prompt = prompt_from_snapshot(post.prompt)
    kind = prompt.kind.replace("-", " ")
    meta = f"{kind.capitalize()} · {DIFFICULTY.get(prompt.difficulty, 'standard')}"
    if post.choice_reason:
        meta += f" · {post.choice_reason}"
    blocks: list[Any] = [
        header(f"Practice prompt: {prompt.title}"),
        context_line(escape(meta)),
        *sections(escape(prompt.case)),
    ]
    if prompt.context:
        blocks += sections(escape(prompt.context))
    blocks.extend(section(table_text(table)) for table in prompt.tables)
    # The key (covers, strong answers, samples) stays back: finding the trap is the practice.
    # Reviewers get it in their brief, and everyone when reviews close.
    if prompt.hint:
        blocks.append(context_line(f":bulb: Hint: {escape(prompt.hint)}"))
    blocks.append(DividerBlock())
    reviewers = post.reviewers_per_answer
    blocks.append(
        context_line(
            f":thread: Answer in this thread by {slack_date(post.answers_close_at)}. "
            "Your first reply is your answer; later replies are follow-ups; "
            f"an edit updates it. Each answer then gets {reviewers} skeptic "
            f"reviewer{'s' if reviewers != 1 else ''}."
        )
    )
    text = f"Practice prompt: {prompt.title} (answer in the thread)"
    return text, [b.to_dict() for b in blocks]
