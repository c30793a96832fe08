"""A drill answer's review on request: the reviewer's brief (the prompt with its key, the
answer, a Score button), the scoring form, and the scores the author gets back."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.practice.members.drill_reviews import (
    MAX_CHALLENGE_CHARS,
    MAX_COMMENT,
    DrillBrief,
    DrillResult,
)
from bot.slack.render import text as mrkdwn
from bot.slack.render.modal import long_text_input, modal_view, score_choice
from bot.slack.render.review_modals import (
    CHALLENGE_BLOCK,
    COMMENT_BLOCK,
    SCORE_ACTION_ID,
    TEXT_ACTION_ID,
)

DRILL_SCORE_ACTION = "drill_score"
DRILL_SCORE_CALLBACK = "drill_score_modal"
DRILL_CHALLENGE_ACTION = "drill_challenge"
DRILL_CHALLENGE_CALLBACK = "drill_challenge_modal"


def drill_brief_blocks(brief: DrillBrief) -> tuple[str, list[dict[str, Any]]]:
    prompt = brief.prompt
    text = f"Would you review a drill answer? “{prompt.title}”"
    names = ", ".join(c.name for c in brief.criteria)
    blocks: list[Any] = [
        mrkdwn.section(
            f"{mrkdwn.mention(brief.author_id)} practised for a real interview and asked for a "
            f"review of their drill answer to *{mrkdwn.escape(prompt.title)}* "
            f"({mrkdwn.escape(prompt.kind)}). Please score it by "
            f"{mrkdwn.slack_date(brief.closes_at)}: it is practice, so it earns no points."
        ),
        *mrkdwn.sections(mrkdwn.escape(prompt.case)),
    ]
    if prompt.covers:
        blocks.append(mrkdwn.bullet_section("What a complete answer covers", prompt.covers))
    if prompt.strong_answers:
        blocks.append(mrkdwn.bullet_section("What strong answers did", prompt.strong_answers))
    blocks += mrkdwn.quoted_sections(f"*{mrkdwn.mention(brief.author_id)}'s answer*", brief.answer)
    blocks.append(mrkdwn.context_line(f"Scored on: {mrkdwn.escape(names)}."))
    blocks.append(
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Post a challenge",
                    action_id=DRILL_CHALLENGE_ACTION,
                    value=str(brief.drill_id),
                ),
                ButtonElement(
                    text="Score",
                    action_id=DRILL_SCORE_ACTION,
                    value=str(brief.drill_id),
                    style="primary",
                ),
            ]
        )
    )
    return text, [b.to_dict() for b in blocks]


def drill_score_modal(brief: DrillBrief) -> dict[str, Any]:
    blocks: list[Any] = mrkdwn.quoted_sections(
        f"*{mrkdwn.mention(brief.author_id)}'s drill answer*", brief.answer
    )
    for criterion in brief.criteria:
        current = brief.scores.get(criterion.id)
        blocks.append(score_choice(criterion, SCORE_ACTION_ID, current, criterion.question or None))
    blocks.append(
        long_text_input(
            COMMENT_BLOCK,
            "A comment for the author (optional)",
            action_id=TEXT_ACTION_ID,
            max_length=MAX_COMMENT,
            optional=True,
        )
    )
    return modal_view(
        "Score this drill",
        blocks,
        callback_id=DRILL_SCORE_CALLBACK,
        private_metadata=json.dumps({"drill": brief.drill_id}),
        submit="Save scores",
    )


def drill_challenge_modal(brief: DrillBrief) -> dict[str, Any]:
    blocks: list[Any] = mrkdwn.quoted_sections(
        f"*{mrkdwn.mention(brief.author_id)}'s drill answer*", brief.answer
    )
    if brief.prompt.challenges:
        ideas = "Ideas from the prompt:\n" + mrkdwn.bullets(brief.prompt.challenges)
        blocks.append(mrkdwn.context_line(ideas))
    blocks.append(
        long_text_input(
            CHALLENGE_BLOCK,
            "Your challenge",
            action_id=TEXT_ACTION_ID,
            max_length=MAX_CHALLENGE_CHARS,
            hint="Sent to the author in their drill's thread, signed by you. One per drill.",
            placeholder="What would make you doubt this answer?",
        )
    )
    return modal_view(
        "Post a challenge",
        blocks,
        callback_id=DRILL_CHALLENGE_CALLBACK,
        private_metadata=json.dumps({"drill": brief.drill_id}),
        submit="Send",
    )


def read_drill_id(private_metadata: str) -> int | None:
    try:
        return int(json.loads(private_metadata or "{}")["drill"])
    except (ValueError, KeyError, TypeError):
        return None


def drill_result_blocks(result: DrillResult) -> tuple[str, list[dict[str, Any]]]:
    text = f"Your drill answer to “{result.prompt_title}” was reviewed"
    lines = [f"• {mrkdwn.escape(name)}: *{score}* / 5" for name, score in result.scores]
    blocks: list[Any] = [
        mrkdwn.section(
            f"*Your drill answer was reviewed* by {mrkdwn.mention(result.reviewer_id)}: "
            f"“{mrkdwn.escape(result.prompt_title)}”\n" + "\n".join(lines)
        )
    ]
    if result.comment:
        blocks += mrkdwn.quoted_sections("*Their comment*", result.comment)
    blocks.append(mrkdwn.context_line("Practice: these scores stay out of the leaderboard."))
    return text, [b.to_dict() for b in blocks]


def drill_saved_text(first: bool) -> str:
    if first:
        return "Thank you! Your scores are saved and the author has them by DM."
    return "Your scores are updated."


def drill_challenged_text() -> str:
    return "Sent: your challenge is in the author's drill thread, signed by you."
