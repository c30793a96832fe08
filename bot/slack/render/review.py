"""Skeptic reviews: the reviewer's DM, the challenge and scoring modals, summaries, notes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from bot.content import Criterion
from bot.practice.reviews.notices import AuthorSummary, ReviewerBrief, ShortNotice, ThreadNotes
from bot.practice.reviews.votes import MAX_CHALLENGE_CHARS, MAX_COMMENT_CHARS, ReviewTarget
from bot.slack.render.text import (
    HEADER_LIMIT,
    bullet_section,
    bullets,
    clip,
    escape,
    mention,
    section,
    slack_date,
)

CHALLENGE_ACTION = "review_challenge"
SCORE_ACTION = "review_score"
CHALLENGE_CALLBACK = "review_challenge_modal"
SCORE_CALLBACK = "review_score_modal"
SCORE_ACTION_ID = "score"  # the radio buttons' action id in each criterion's input block
COMMENT_BLOCK = "comment"
CHALLENGE_BLOCK = "challenge"
TEXT_ACTION_ID = "text"
SCORES = (1, 2, 3, 4, 5)
MODAL_TITLE_LIMIT = 24


def permalink(channel_id: str, ts: str, thread_ts: str) -> str:
    """A message link that works without an API call (used when chat.getPermalink fails)."""
    link = f"https://slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return link


def _buttons(assignment_id: int, scored: bool) -> ActionsBlock:
    return ActionsBlock(
        block_id=f"review_{assignment_id}",
        elements=[
            ButtonElement(
                text="Post a challenge", action_id=CHALLENGE_ACTION, value=str(assignment_id)
            ),
            ButtonElement(
                text="Change scores" if scored else "Score",
                action_id=SCORE_ACTION,
                value=str(assignment_id),
                style=None if scored else "primary",
            ),
        ],
    )


def brief_blocks(
    brief: ReviewerBrief, links: Mapping[int, str], *, reminder: bool
) -> tuple[str, list[dict[str, Any]]]:
    """The reviewer's DM: every answer they review on one prompt, with buttons per answer."""
    count = len(brief.items)
    noun = "answer" if count == 1 else "answers"
    title = escape(brief.post.prompt_title)
    if reminder:
        text = (
            f"Reminder: you have {count} {noun} on “{brief.post.prompt_title}” left to score "
            "before reviews close."
        )
        intro = (
            f":hourglass_flowing_sand: Half-way through reviews for *{title}*: you have not "
            f"scored {count} {noun} yet. Reviews close {slack_date(brief.reviews_close_at)}; "
            "an unscored review counts as missed on the leaderboard."
        )
    else:
        text = f"You are a skeptic reviewer for {count} {noun} on “{brief.post.prompt_title}”."
        intro = (
            f":mag: You are a skeptic reviewer today for *{title}*. Challenge each answer "
            f"in the thread and score it on the rubric before {slack_date(brief.reviews_close_at)}."
        )
    blocks: list[Any] = [section(intro)]
    if brief.challenges:
        blocks.append(bullet_section("Skeptic challenges to try", brief.challenges))
    for item in brief.items:
        link = links.get(item.assignment_id) or permalink(
            brief.post.channel_id, item.answer_ts, brief.post.thread_ts
        )
        blocks.append(DividerBlock())
        blocks.append(
            section(
                f"*{mention(item.author)}'s answer* (<{link}|open in the thread>)\n"
                f"> {escape(item.excerpt)}"
            )
        )
        blocks.append(_buttons(item.assignment_id, item.scored))
    return text, [b.to_dict() for b in blocks]


def _answer_context(target: ReviewTarget) -> list[Any]:
    excerpt = target.answer_text if len(target.answer_text) <= 600 else target.answer_text[:599]
    return [section(f"*{mention(target.author)}'s answer*\n> {escape(excerpt)}")]


def _metadata(target: ReviewTarget, dm_channel: str | None) -> str:
    return json.dumps({"assignment": target.assignment_id, "dm": dm_channel or ""})


def read_metadata(private_metadata: str) -> tuple[int | None, str | None]:
    """(assignment id, DM channel) from a review modal's private_metadata."""
    try:
        data = json.loads(private_metadata or "{}")
        return int(data["assignment"]), (str(data.get("dm") or "") or None)
    except (ValueError, KeyError, TypeError):
        return None, None


def challenge_modal(target: ReviewTarget, dm_channel: str | None) -> dict[str, Any]:
    blocks: list[Any] = _answer_context(target)
    if target.challenges:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=clip("Ideas from the prompt:\n" + bullets(target.challenges))
                    )
                ]
            )
        )
    blocks.append(
        InputBlock(
            block_id=CHALLENGE_BLOCK,
            label="Your challenge",
            hint="Posted in the prompt's thread, addressed to the author, as your challenge.",
            element=PlainTextInputElement(
                action_id=TEXT_ACTION_ID,
                multiline=True,
                max_length=MAX_CHALLENGE_CHARS,
                placeholder="What would make you doubt this answer?",
            ),
        )
    )
    view = View(
        type="modal",
        callback_id=CHALLENGE_CALLBACK,
        private_metadata=_metadata(target, dm_channel),
        title="Post a challenge",
        submit="Post",
        close="Cancel",
        blocks=blocks,
    )
    return view.to_dict()


def _anchor(criterion: Criterion, score: int) -> str | None:
    return criterion.anchors.get(score)


def score_modal(
    target: ReviewTarget, rubric: Sequence[Criterion], dm_channel: str | None
) -> dict[str, Any]:
    """One 1-5 choice per criterion (question and anchors shown), plus an optional comment."""
    blocks: list[Any] = _answer_context(target)
    for criterion in rubric:
        options = [
            Option(
                value=str(score),
                text=str(score),
                description=clip(anchor, 75) if (anchor := _anchor(criterion, score)) else None,
            )
            for score in SCORES
        ]
        current = target.scores.get(criterion.id)
        initial = next((o for o in options if o.value == str(current)), None)
        blocks.append(
            InputBlock(
                block_id=criterion.id,
                label=clip(criterion.name, 2000),
                hint=clip(criterion.question, 2000) if criterion.question else None,
                element=RadioButtonsElement(
                    action_id=SCORE_ACTION_ID, options=options, initial_option=initial
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=COMMENT_BLOCK,
            label="A comment for the author (optional)",
            optional=True,
            element=PlainTextInputElement(
                action_id=TEXT_ACTION_ID,
                multiline=True,
                max_length=MAX_COMMENT_CHARS,
                initial_value=target.comment or None,
            ),
        )
    )
    view = View(
        type="modal",
        callback_id=SCORE_CALLBACK,
        private_metadata=_metadata(target, dm_channel),
        title="Score this answer",
        submit="Save scores",
        close="Cancel",
        blocks=blocks,
    )
    return view.to_dict()


def read_scores(
    state_values: Mapping[str, Any], criteria: Sequence[str]
) -> tuple[dict[str, int | None], str]:
    """({criterion: score or None}, comment) from a submitted scoring modal.

    Criteria in the form but not in `criteria` are kept, so the domain can refuse them.
    """
    scores: dict[str, int | None] = {c: None for c in criteria}
    for block_id, actions in state_values.items():
        if block_id == COMMENT_BLOCK or not isinstance(actions, dict):
            continue
        element = actions.get(SCORE_ACTION_ID)
        if not isinstance(element, dict):
            continue
        option = element.get("selected_option") or {}
        value = str(option.get("value") or "") if isinstance(option, dict) else ""
        scores[block_id] = int(value) if value.lstrip("-").isdigit() else None
    comment_element = (state_values.get(COMMENT_BLOCK) or {}).get(TEXT_ACTION_ID) or {}
    comment = str(comment_element.get("value") or "") if isinstance(comment_element, dict) else ""
    return scores, comment


def read_challenge(state_values: Mapping[str, Any]) -> str:
    element = (state_values.get(CHALLENGE_BLOCK) or {}).get(TEXT_ACTION_ID) or {}
    return str(element.get("value") or "") if isinstance(element, dict) else ""


def notice_view(title: str, message: str) -> dict[str, Any]:
    """A modal that only tells the user something (a refusal after submitting)."""
    view = View(
        type="modal",
        title=clip(title, MODAL_TITLE_LIMIT),
        close="OK",
        blocks=[section(message)],
    )
    return view.to_dict()


def challenge_message(author: str, reviewer: str, text: str) -> tuple[str, list[dict[str, Any]]]:
    """The challenge as posted in the prompt's thread, addressed to the author."""
    quoted = "\n".join(f"> {line}" for line in escape(text).splitlines() or [""])
    body = f":mag: {mention(author)}, a skeptic's challenge from {mention(reviewer)}:\n{quoted}"
    fallback = f"A skeptic's challenge for the answer by {mention(author)}"
    blocks = [
        section(body),
        ContextBlock(
            elements=[MarkdownTextObject(text=f"Signed: {mention(reviewer)}, skeptic reviewer")]
        ),
    ]
    return fallback, [b.to_dict() for b in blocks]


def score_confirmation(replaced: bool, closes_at: Any) -> str:
    verb = "Updated" if replaced else "Saved"
    return f"{verb} your scores. You can change them until reviews close {slack_date(closes_at)}."


def summary_blocks(
    summary: AuthorSummary, link: str | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """The author's DM when reviews close: per-criterion means, challenges, comments."""
    title = escape(summary.post.prompt_title)
    link = link or permalink(summary.post.channel_id, summary.post.thread_ts, "")
    blocks: list[Any] = [
        HeaderBlock(text=clip(f"Your reviews: {summary.post.prompt_title}", HEADER_LIMIT)),
    ]
    if summary.reviewers == 0:
        blocks.append(
            section(
                f"Nobody could be assigned to review your answer to <{link}|{title}>, "
                "so there are no scores this time."
            )
        )
    else:
        blocks.append(
            section(
                f"Reviews of your answer to <{link}|{title}> have closed. "
                f"{summary.scored_by} of {summary.reviewers} reviewers scored it."
            )
        )
    if summary.means:
        lines = [
            f"• *{escape(m.name)}*: {m.mean:.1f} / 5"
            + (f" ({m.votes} scores)" if m.votes != 1 else " (1 score)")
            for m in summary.means
        ]
        blocks.append(section("*Mean score per criterion*\n" + "\n".join(lines)))
    if summary.challenges:
        lines = [f"• {mention(r)}: {escape(t)}" for r, t in summary.challenges]
        blocks.append(section("*Challenges you received*\n" + "\n".join(lines)))
    if summary.comments:
        lines = [f"• {mention(r)}: {escape(t)}" for r, t in summary.comments]
        blocks.append(section("*Reviewers' comments*\n" + "\n".join(lines)))
    text = f"Your reviews for “{summary.post.prompt_title}” are in."
    return text, [b.to_dict() for b in blocks]


def notes_blocks(notes: ThreadNotes) -> tuple[str, list[dict[str, Any]]]:
    """The thread's closing note: what strong answers did."""
    blocks: list[Any] = [
        section(
            f":checkered_flag: Reviews are closed: {notes.answers} "
            f"answer{'s' if notes.answers != 1 else ''}, {notes.scored} scored. "
            "Authors get their summary by DM."
        )
    ]
    if notes.strong_answers:
        blocks.append(bullet_section("What strong answers did", notes.strong_answers))
    return "Reviews are closed: what strong answers did", [b.to_dict() for b in blocks]


def short_notice_text(notice: ShortNotice) -> str:
    """Said plainly in the thread when answers got fewer reviewers than asked (or none)."""
    lines = []
    for author, missing in notice.missing:
        got = notice.wanted - missing
        if got == 0:
            lines.append(
                f"Nobody could be assigned to review {mention(author)}'s answer: there was "
                "no other answerer and no volunteer reviewer."
            )
        else:
            lines.append(
                f"{mention(author)}'s answer got {got} of {notice.wanted} reviewers: there were "
                "not enough other answerers or volunteers."
            )
    lines.append("Anyone can volunteer to review with `/practice review on`.")
    return "\n".join(lines)
