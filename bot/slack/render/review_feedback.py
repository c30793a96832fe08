"""Reviews that get done and feedback on them: stand-in offers and the note to the original
reviewer, the author's prediction buttons, Helpful / Not really on each review and the
optional word, and the author's scores so far (give to get)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, DividerBlock

from bot.practice.reviews.feedback import Helpfulness, OwnAnswer, PredictionWeek
from bot.practice.reviews.notices import AuthorSummary
from bot.practice.reviews.standins import OfferNotice, PassedNotice
from bot.slack.render import text as mrkdwn
from bot.slack.render.modal import long_text_input, modal_view

TAKE_ACTION = "review_standin_take"
PREDICT_ACTION = "review_predict"
HELPFUL_ACTION = "review_helpful"
NOT_HELPFUL_ACTION = "review_not_helpful"
WORD_CALLBACK = "review_rating_word"
WORD_BLOCK = "word"
EXCERPT_CHARS = 280


def offer_blocks(offer: OfferNotice, link: str) -> tuple[str, list[dict[str, Any]]]:
    """A stand-in offer: who answered, an excerpt, a button to take the review."""
    title = mrkdwn.escape(offer.post.prompt_title)
    excerpt = mrkdwn.clip(" ".join(offer.excerpt.split()), EXCERPT_CHARS)
    closes = mrkdwn.slack_date(offer.reviews_close_at)
    blocks: list[Any] = [
        mrkdwn.section(
            f":raised_hand: A review on *{title}* is still waiting. Would you stand in? "
            f"{mrkdwn.mention(offer.author)}'s answer (<{link}|open in the thread>):\n"
            f"> {mrkdwn.escape(excerpt)}"
        ),
        mrkdwn.context_line(
            f"The first to take it reviews it; it counts like any review. Reviews close {closes}."
        ),
        ActionsBlock(
            block_id=f"standin_{offer.assignment_id}",
            elements=[
                ButtonElement(
                    text="Take this review",
                    action_id=TAKE_ACTION,
                    value=str(offer.assignment_id),
                    style="primary",
                )
            ],
        ),
    ]
    text = f"Would you stand in for a review on “{offer.post.prompt_title}”?"
    return text, [b.to_dict() for b in blocks]


def passed_text(notice: PassedNotice) -> str:
    """Told politely: no blame, and the door stays open until the stand-in scores."""
    return (
        f"A quick note about your review of {mrkdwn.mention(notice.author)}'s answer on "
        f"*{mrkdwn.escape(notice.post.prompt_title)}*: as it was still open at half-time, a "
        "stand-in has offered to take it, so the author gets feedback in time. No problem at "
        "all; if you get to it first, your scores still count until the stand-in has scored "
        f"(reviews close {mrkdwn.slack_date(notice.reviews_close_at)})."
    )


def prediction_buttons(answer_id: int) -> ActionsBlock:
    return ActionsBlock(
        block_id=f"predict_{answer_id}",
        elements=[
            ButtonElement(
                text=str(score), action_id=f"{PREDICT_ACTION}_{score}", value=f"{answer_id}:{score}"
            )
            for score in range(1, 6)
        ],
    )


def predicted_text(score: int, already: bool) -> str:
    if already:
        return f"You had already predicted {score}; it stays as it was."
    return (
        f"Noted: you predict {score}. When reviews close your summary shows it beside your "
        "reviewers' scores."
    )


def prediction_line(summary: AuthorSummary) -> str | None:
    """The summary's line: the author's guess against the reviewers' mean."""
    if summary.predicted is None:
        return None
    if summary.overall is None:
        return f":crystal_ball: You predicted *{summary.predicted}*; nobody scored it this time."
    gap = summary.overall - summary.predicted
    if abs(gap) < 0.25:
        verdict = "right on"
    elif gap > 0:
        verdict = f"{gap:.1f} above your guess: you were harder on yourself than they were"
    else:
        verdict = f"{-gap:.1f} below your guess"
    return (
        f":crystal_ball: You predicted *{summary.predicted}*; your reviewers gave "
        f"*{summary.overall:.1f}* on average ({verdict})."
    )


def rating_buttons(assignment_id: int) -> ActionsBlock:
    return ActionsBlock(
        block_id=f"rate_{assignment_id}",
        elements=[
            ButtonElement(text="Helpful", action_id=HELPFUL_ACTION, value=str(assignment_id)),
            ButtonElement(
                text="Not really", action_id=NOT_HELPFUL_ACTION, value=str(assignment_id)
            ),
        ],
    )


def rating_blocks(summary: AuthorSummary) -> list[Any]:
    """Under the summary: was each review helpful? (It never changes anyone's points.)"""
    if not summary.rateable:
        return []
    blocks: list[Any] = [
        DividerBlock(),
        mrkdwn.section(
            "*Was each review helpful?* Your rating is private to the reviewer's own stats and "
            "never changes anyone's points."
        ),
    ]
    for assignment_id, reviewer in summary.rateable:
        blocks.append(mrkdwn.context_line(f"Review by {mrkdwn.mention(reviewer)}"))
        blocks.append(rating_buttons(assignment_id))
    return blocks


def rated_text(helpful: bool, already: bool) -> str:
    said = "helpful" if helpful else "not really helpful"
    if already:
        return f"You had already rated this review ({said}); the first rating stays."
    return f"Thank you: noted as {said}."


def word_modal(assignment_id: int, helpful: bool) -> dict[str, Any]:
    """After a rating, one optional word or line for the reviewer."""
    said = "helpful" if helpful else "not really helpful"
    return modal_view(
        "A word for the reviewer",
        [
            mrkdwn.section(f"Noted as {said}. Anything to add? (Optional.)"),
            long_text_input(
                WORD_BLOCK,
                "A word or a line",
                action_id="text",
                max_length=150,
                optional=True,
                placeholder="e.g. the question about the control group made me rethink it",
            ),
        ],
        callback_id=WORD_CALLBACK,
        private_metadata=str(assignment_id),
        submit="Save",
        close="Skip",
    )


def helpfulness_line(helpfulness: Helpfulness | None) -> str | None:
    if helpfulness is None or not helpfulness.rated:
        return None
    line = (
        f":handshake: Authors found {helpfulness.helpful} of your {helpfulness.rated} rated "
        "reviews helpful"
    )
    if helpfulness.words:
        line += ": " + "; ".join(f"“{mrkdwn.escape(w)}”" for w in helpfulness.words)
    return line


def prediction_trend_line(weeks: list[PredictionWeek]) -> str | None:
    """How far the member's predictions were from their reviewers', week by week."""
    if not weeks:
        return None
    parts = [f"{w.monday:%b %d}: {w.gap:+.1f}" for w in weeks[-6:]]
    return ":crystal_ball: Reviewers minus your prediction, by week: " + ", ".join(parts)


def own_answer_blocks(own: OwnAnswer) -> list[Any]:
    """The App Home's line on an answer under review: prediction buttons, scores so far."""
    title = mrkdwn.escape(own.post.prompt_title)
    closes = mrkdwn.slack_date(own.reviews_close_at)
    if not own.visible:
        noun = "review" if own.reviews_left == 1 else "reviews"
        state = (
            f"Scores so far are hidden until you finish your {own.reviews_left} {noun} on this "
            f"prompt (give to get), or until reviews close {closes}."
        )
    elif own.mean is None:
        state = f"No scores yet. Reviews close {closes}."
    else:
        state = f"Scores so far: *{own.mean:.1f}* / 5 from {own.scored_by} reviewer(s)."
    lines = [f"*Your answer to {title}*", state]
    if own.predicted is not None:
        lines.append(f"You predicted {own.predicted}.")
    blocks: list[Any] = [mrkdwn.section("\n".join(lines))]
    if own.can_predict:
        blocks.append(mrkdwn.context_line("Optional: predict your mean score (1-5)."))
        blocks.append(prediction_buttons(own.answer_id))
    return blocks


def unlocked_text(own: OwnAnswer) -> str:
    """Said after the reviewer's last review on a prompt: give to get has paid off."""
    if own.mean is None:
        return (
            " Your reviews here are done, so your own answer's scores show in the App Home as "
            "they come in."
        )
    return (
        f" Your reviews here are done, so here are your own answer's scores so far: "
        f"*{own.mean:.1f}* / 5 from {own.scored_by} reviewer(s) (more may come until reviews "
        "close)."
    )
