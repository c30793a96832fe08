"""Skeptic reviews: the reviewer's DM and its reminder, the challenge in the thread, summaries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, DividerBlock

from bot.practice.reviews.notices import (
    AuthorSummary,
    ReviewerBrief,
    ReviewItem,
    ShortNotice,
    ThreadNotes,
)
from bot.slack.render import text as mrkdwn
from bot.slack.render.calibration import samples_button
from bot.slack.render.review_feedback import prediction_buttons, prediction_line, rating_blocks

CHALLENGE_ACTION = "review_challenge"
SCORE_ACTION = "review_score"
EXCERPT_CHARS = 280  # an answer in the reviewer's DM, before "..." and the thread link
BRIEF_EVENT = "practice_review_brief"  # the brief's message metadata, so a reminder finds it


def permalink(channel_id: str, ts: str, thread_ts: str) -> str:
    """A message link built without an API call (chat.getPermalink is Tier 4: see `_links`)."""
    link = f"https://slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return link


def score_button(assignment_id: int, *, scored: bool = False) -> ButtonElement:
    """The button that opens the scoring modal (the review DM's and the App Home's)."""
    return ButtonElement(
        text="Change scores" if scored else "Score",
        action_id=SCORE_ACTION,
        value=str(assignment_id),
        style=None if scored else "primary",
    )


def _buttons(assignment_id: int, scored: bool) -> ActionsBlock:
    return ActionsBlock(
        block_id=f"review_{assignment_id}",
        elements=[
            ButtonElement(
                text="Post a challenge", action_id=CHALLENGE_ACTION, value=str(assignment_id)
            ),
            score_button(assignment_id, scored=scored),
        ],
    )


def _brief_intro(brief: ReviewerBrief, *, reminder: bool) -> tuple[str, str]:
    """(notification text, first section) of a brief, or of its half-way reminder: the brief
    again, with its answers and buttons. Linking to the first brief instead needed two Tier 3
    lookups per reminder (`conversations.open`, `.history`): a zone's reminders took the busy
    morning 18 minutes."""
    count = len(brief.items)
    noun = "answer" if count == 1 else "answers"
    title = mrkdwn.escape(brief.post.prompt_title)
    closes = mrkdwn.slack_date(brief.reviews_close_at)
    if reminder:
        return (
            f"Reminder: you have {count} {noun} on “{brief.post.prompt_title}” left to score "
            "before reviews close.",
            f":hourglass_flowing_sand: Half-way through reviews for *{title}*: you have not "
            f"scored {count} {noun} yet. Reviews close {closes}; an unscored review counts as "
            "missed on the leaderboard.",
        )
    return (
        f"You are a skeptic reviewer for {count} {noun} on “{brief.post.prompt_title}”.",
        f":mag: You are a skeptic reviewer today for *{title}*. Challenge each answer in the "
        f"thread and score it on the rubric before {closes}.",
    )


def _scored_state(brief: ReviewerBrief) -> ContextBlock | None:
    """How far the reviewer is, once they have scored something."""
    count, scored = len(brief.items), sum(item.scored for item in brief.items)
    if not scored:
        return None
    state = (
        f":white_check_mark: *You have scored all {count} answer{'s' if count != 1 else ''}.* "
        "Thank you!"
        if scored == count
        else f"*Scored {scored} of {count}.*"
    )
    closes = mrkdwn.slack_date(brief.reviews_close_at)
    return mrkdwn.context_line(f"{state} You can change scores until reviews close {closes}.")


def _item_blocks(brief: ReviewerBrief, item: ReviewItem, link: str | None) -> list[Any]:
    """One answer: who, an excerpt with a link to all of it, its state and its buttons."""
    link = link or permalink(brief.post.channel_id, item.answer_ts, brief.post.thread_ts)
    flat = " ".join(item.excerpt.split())
    excerpt = mrkdwn.clip(flat, EXCERPT_CHARS)
    where = "read it all in the thread" if excerpt != flat else "open in the thread"
    blocks: list[Any] = [
        DividerBlock(),
        mrkdwn.section(
            f"*{mrkdwn.mention(item.author)}'s answer* (<{link}|{where}>)\n"
            f"> {mrkdwn.escape(excerpt)}"
        ),
    ]
    if item.scored:
        blocks.append(
            mrkdwn.context_line(":white_check_mark: Scored. *Change scores* reopens your choices.")
        )
    blocks.append(_buttons(item.assignment_id, item.scored))
    return blocks


def brief_blocks(
    brief: ReviewerBrief, links: Mapping[int, str], *, reminder: bool
) -> tuple[str, list[dict[str, Any]]]:
    """The reviewer's DM: every answer they review on one prompt, with buttons per answer."""
    text, intro = _brief_intro(brief, reminder=reminder)
    blocks: list[Any] = [mrkdwn.section(intro)]
    if not reminder and (state := _scored_state(brief)) is not None:
        blocks.append(state)
    if brief.give_to_get and not reminder:
        blocks.append(
            mrkdwn.context_line(
                ":handshake: Give to get: once you have scored these, you can see the scores on "
                "your own answer as they come in (App Home); otherwise when reviews close."
            )
        )
    if brief.covers:
        blocks.append(mrkdwn.bullet_section("What a complete answer covers", brief.covers))
    if brief.challenges:
        blocks.append(mrkdwn.bullet_section("Skeptic challenges to try", brief.challenges))
    if brief.predict_answer is not None and not reminder:
        blocks.append(
            mrkdwn.section(
                ":crystal_ball: *Optional, before you score others:* what mean score (1-5) do "
                "you think your own answer will get? Your summary shows your guess beside theirs."
            )
        )
        blocks.append(prediction_buttons(brief.predict_answer))
    for item in brief.items:
        blocks += _item_blocks(brief, item, links.get(item.assignment_id))
    rendered = [b.to_dict() for b in blocks]
    if brief.samples and brief.items:
        rendered.append(samples_button(brief.items[0].assignment_id))
    return text, rendered


def brief_metadata(brief: ReviewerBrief) -> dict[str, Any]:
    return {"event_type": BRIEF_EVENT, "event_payload": {"post_id": brief.post.post_id}}


def challenge_message(author: str, reviewer: str, text: str) -> tuple[str, list[dict[str, Any]]]:
    """The challenge as posted in the prompt's thread, addressed to the author."""
    heading = (
        f":mag: {mrkdwn.mention(author)}, a skeptic's challenge from {mrkdwn.mention(reviewer)}:"
    )
    fallback = f"A skeptic's challenge for the answer by {mrkdwn.mention(author)}"
    blocks: list[Any] = [
        *mrkdwn.quoted_sections(heading, text),
        mrkdwn.context_line(f"Signed: {mrkdwn.mention(reviewer)}, skeptic reviewer"),
    ]
    return fallback, [b.to_dict() for b in blocks]


def score_confirmation(replaced: bool, closes_at: Any) -> str:
    verb = "Updated" if replaced else "Saved"
    closes = mrkdwn.slack_date(closes_at)
    return f"{verb} your scores. You can change them until reviews close {closes}."


def summary_blocks(
    summary: AuthorSummary, link: str | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """The author's DM when reviews close: per-criterion means, challenges, comments."""
    title = mrkdwn.escape(summary.post.prompt_title)
    link = link or permalink(summary.post.channel_id, summary.post.thread_ts, "")
    blocks: list[Any] = [
        mrkdwn.header(f"Your reviews: {summary.post.prompt_title}"),
    ]
    if summary.reviewers == 0:
        blocks.append(
            mrkdwn.section(
                f"Nobody could be assigned to review your answer to <{link}|{title}>, "
                "so there are no scores this time."
            )
        )
    else:
        blocks.append(
            mrkdwn.section(
                f"Reviews of your answer to <{link}|{title}> have closed. "
                f"{summary.scored_by} of {summary.reviewers} reviewers scored it."
            )
        )
    if summary.means:
        lines = [
            f"• *{mrkdwn.escape(m.name)}*: {m.mean:.1f} / 5"
            + (f" ({m.votes} scores)" if m.votes != 1 else " (1 score)")
            for m in summary.means
        ]
        blocks.append(mrkdwn.section("*Mean score per criterion*\n" + "\n".join(lines)))
    if (predicted := prediction_line(summary)) is not None:
        blocks.append(mrkdwn.section(predicted))
    for reviewer, said in _by_reviewer(summary).items():
        blocks += mrkdwn.sections(f"*From {mrkdwn.mention(reviewer)}*\n" + "\n".join(said))
    blocks += rating_blocks(summary)
    blocks += _key_blocks(summary.covers, summary.strong_answers)
    text = f"Your reviews for “{summary.post.prompt_title}” are in."
    return text, [b.to_dict() for b in blocks]


def _by_reviewer(summary: AuthorSummary) -> dict[str, list[str]]:
    """Each reviewer's challenges and comment, so one long text never hides another's."""
    said: dict[str, list[str]] = {}
    for reviewer, text in summary.challenges:
        said.setdefault(reviewer, []).append(f"*Challenge:* {mrkdwn.escape(text)}")
    for reviewer, text in summary.comments:
        said.setdefault(reviewer, []).append(f"*Comment:* {mrkdwn.escape(text)}")
    return said


def notes_blocks(notes: ThreadNotes) -> tuple[str, list[dict[str, Any]]]:
    """The thread's closing note: what strong answers did."""
    blocks: list[Any] = [
        mrkdwn.section(
            f":checkered_flag: Reviews are closed: {notes.answers} "
            f"answer{'s' if notes.answers != 1 else ''}, {notes.scored} scored. "
            "Authors get their summary by DM."
        )
    ]
    blocks += _key_blocks(notes.covers, notes.strong_answers)
    return "Reviews are closed: what strong answers did", [b.to_dict() for b in blocks]


def _key_blocks(covers: tuple[str, ...], strong_answers: tuple[str, ...]) -> list[Any]:
    """The prompt's key, kept back from the daily post and shown once reviews close."""
    blocks: list[Any] = []
    if covers:
        blocks.append(mrkdwn.bullet_section("What a complete answer covers", covers))
    if strong_answers:
        blocks.append(mrkdwn.bullet_section("What strong answers did", strong_answers))
    return blocks


def short_notice_text(notice: ShortNotice) -> str:
    """Said plainly in the thread when answers got fewer reviewers than asked (or none)."""
    lines = []
    for author, missing in notice.missing:
        got = notice.wanted - missing
        if got == 0:
            lines.append(
                f"Nobody could be assigned to review {mrkdwn.mention(author)}'s answer: there was "
                "no other answerer and no volunteer reviewer."
            )
        else:
            lines.append(
                f"{mrkdwn.mention(author)}'s answer got {got} of {notice.wanted} reviewers: "
                "there were not enough other answerers or volunteers."
            )
    lines.append("Anyone can volunteer to review with `/practice review on`.")
    return "\n".join(lines)
