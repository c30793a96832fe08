"""`/mock`: replies, the match intro in the partners' group DM, the interviewer's guide, the
feedback modal (interviewer scores the candidate) and the rating modal (candidate rates the
interviewer's helpfulness)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    DividerBlock,
    InputBlock,
    Option,
    StaticSelectElement,
)

from bot.content import Criterion, prompt_from_snapshot
from bot.models import MockMatch, MockRound
from bot.practice.mocks.queue import MockStatus
from bot.practice.mocks.request import RequestOutcome
from bot.practice.mocks.rounds import CriterionProgress, RoundRoles
from bot.slack.render.channel import HelpLine
from bot.slack.render.modal import long_text_input, modal_view
from bot.slack.render.prompt import table_text
from bot.slack.render.samples import sample_sections
from bot.slack.render.text import (
    FIELD_LIMIT,
    bullet_section,
    clip,
    context_line,
    escape,
    header,
    mention,
    section,
    sections,
    slack_date,
)

SWAP_ACTION = "mock_swap"
FEEDBACK_ACTION = "mock_feedback"  # "Score the candidate", for the round's interviewer
RATE_ACTION = "mock_rate"  # "Rate the interviewer", for the round's candidate
SCORE_LABEL = "Score the candidate"
RATE_LABEL = "Rate the interviewer"
FEEDBACK_CALLBACK = "mock_feedback_modal"
RATE_CALLBACK = "mock_rate_modal"

PLAN = (
    ("0-2 min", "the interviewer reads the case out; the candidate asks clarifying questions"),
    ("2-7 min", "the candidate structures the answer out loud (audience, bet, metric)"),
    ("7-20 min", "the candidate works the case; the interviewer plays the skeptic"),
    ("20-25 min", "the candidate gives a go / no-go recommendation with its threshold"),
    ("25-30 min", "feedback: the interviewer scores the rubric, then both talk it through"),
)


def mock_help_text(lines: Sequence[HelpLine]) -> str:
    """`/mock help`, from the `/mock` subcommands' own help lines."""
    return "\n".join(
        ["*Peer mock interviews*"]
        + [f"• {line.usage}: {line.text}" for line in lines]
        + [
            "When someone else is waiting you are matched at once, in a group DM with a case, "
            "roles and a 30-minute plan."
        ]
    )


def value_for(match_id: int, number: int) -> str:
    return f"{match_id}:{number}"


def parse_value(value: str) -> tuple[int, int]:
    """`match:round` from a button value or a modal's private_metadata."""
    match_text, _, round_text = value.partition(":")
    return int(match_text), int(round_text or "1")


def _age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def request_reply(outcome: RequestOutcome) -> str:
    if outcome.status == "matched":
        return (
            f"You're matched with {mention(outcome.partner_id or '')}. I've opened a group DM "
            "with both of you: the case, your roles and a 30-minute plan are there."
        )
    if outcome.status == "in-match":
        return (
            f"You're already in a mock with {mention(outcome.partner_id or '')}. Finish it "
            f"first (the interviewer presses *{SCORE_LABEL}* in your group DM), then "
            "`/mock` again."
        )
    expires = slack_date(outcome.expires_at) if outcome.expires_at else "later"
    if outcome.status == "updated":
        return (
            "You're already in the queue, so I updated your note (your place is kept). "
            f"Your request now waits until {expires}."
        )
    return (
        "You're in the queue. I'll match you as soon as someone else asks for a mock, and "
        f"tell you in a group DM. Your request waits until {expires}; `/mock cancel` leaves."
    )


def status_reply(status: MockStatus) -> str:
    if status.status == "in-match":
        return (
            f"You're in a mock with {mention(status.partner_id or '')}; you are the "
            f"{status.role} in the current round. It's in your group DM."
        )
    if status.status == "waiting":
        expires = slack_date(status.expires_at) if status.expires_at else "later"
        note = f" Your note: _{escape(status.note)}_." if status.note else ""
        return (
            f"You're number {status.place} of {status.waiting} in the queue and have waited "
            f"{_age(status.age)}. Your request waits until {expires}.{note}"
        )
    return "You're not in the mock queue. `/mock [note]` asks for a partner."


def cancel_reply(left: bool) -> str:
    if left:
        return "You've left the mock queue. `/mock` whenever you want a partner again."
    return "You weren't in the mock queue, so there was nothing to cancel."


def stats_reply(progress: list[CriterionProgress], rubric: Mapping[str, str]) -> str:
    """`rubric` maps criterion id to name, in the rubric's order (which the lines follow)."""
    if not progress:
        return (
            "No mock scores yet. After a mock where you were the candidate, your interviewer's "
            "rubric scores show up here."
        )
    order = {criterion: i for i, criterion in enumerate(rubric)}
    lines = [
        f"• {escape(rubric.get(p.criterion, p.criterion))}: {p.mean:.1f} "
        f"({p.count} score{'s' if p.count != 1 else ''})"
        for p in sorted(progress, key=lambda p: (order.get(p.criterion, len(order)), p.criterion))
    ]
    return "*Your mock scores, mean per criterion*\n" + "\n".join(lines)


def expired_text(note: str) -> str:
    about = f" (_{escape(note)}_)" if note else ""
    return (
        f"Your mock request{about} expired: nobody else asked for a mock in time. "
        "`/mock` puts you back in the queue whenever you like."
    )


def intro_blocks(
    match: MockMatch, rnd: MockRound, notes: Mapping[str, str]
) -> tuple[str, list[dict[str, Any]]]:
    """The round's intro in the group DM: roles, the case, the plan and the buttons."""
    prompt = prompt_from_snapshot(rnd.prompt)
    candidate, interviewer = mention(rnd.candidate_id), mention(rnd.interviewer_id)
    if rnd.round == 1:
        heading = "Mock interview: you're matched"
        roles = (
            f"{candidate} is the *candidate* first; {interviewer} is the *skeptic interviewer* "
            "(you have a private guide from me)."
        )
    else:
        heading = "Mock interview: round 2, roles swapped"
        roles = (
            f"Now {candidate} is the *candidate* and {interviewer} the *skeptic interviewer* "
            "(your guide is in a private DM), on a new case."
        )
    blocks: list[Any] = [
        header(heading),
        section(roles),
    ]
    shown = [f"{mention(u)}: _{escape(n)}_" for u, n in sorted(notes.items()) if n]
    if rnd.round == 1 and shown:
        blocks.append(context_line("Notes: " + "; ".join(shown)))
    blocks += [
        DividerBlock(),
        section(f"*Case: {escape(prompt.title)}*"),
        *sections(escape(prompt.case)),
    ]
    if prompt.context:
        blocks += sections(escape(prompt.context))
    blocks.extend(section(table_text(table)) for table in prompt.tables)
    plan = "\n".join(f"• *{when}*: {what}" for when, what in PLAN)
    blocks += [
        section("*Suggested 30-minute plan*\n" + plan),
        round_buttons(match.id, rnd),
        context_line(
            f"{interviewer} presses *{SCORE_LABEL}* (the rubric); {candidate} "
            f"presses *{RATE_LABEL}* (how helpful the interviewer was)."
            + (" *Swap roles* starts a second round." if rnd.round == 1 else "")
        ),
    ]
    text = f"Mock interview round {rnd.round}: {prompt.title}"
    return text, [b.to_dict() for b in blocks]


def round_buttons(match_id: int, rnd: MockRound) -> ActionsBlock:
    """One button per person and job: each says what it does, for whom."""
    value = value_for(match_id, rnd.round)
    buttons = [
        ButtonElement(text=SCORE_LABEL, action_id=FEEDBACK_ACTION, value=value, style="primary"),
        ButtonElement(text=RATE_LABEL, action_id=RATE_ACTION, value=value),
    ]
    if rnd.round == 1:
        buttons.append(ButtonElement(text="Swap roles", action_id=SWAP_ACTION, value=value))
    return ActionsBlock(block_id="mock_actions", elements=buttons)


def not_your_button(action: str, rnd: RoundRoles) -> str:
    """Why this person cannot press this button, and which one is theirs."""
    if action == FEEDBACK_ACTION:
        return (
            f"Only this round's interviewer, {mention(rnd.interviewer_id)}, scores the candidate. "
            f"As the candidate, press *{RATE_LABEL}*."
        )
    return (
        f"Only this round's candidate, {mention(rnd.candidate_id)}, rates the interviewer. "
        f"As the interviewer, press *{SCORE_LABEL}*."
    )


def guide_blocks(
    match: MockMatch, rnd: MockRound, rubric: tuple[Criterion, ...]
) -> tuple[str, list[dict[str, Any]]]:
    """The interviewer's private guide: the key (what an answer covers, what strong answers do,
    the samples), challenges, and the anchors of the criteria that apply."""
    prompt = prompt_from_snapshot(rnd.prompt)
    blocks: list[Any] = [
        header(f"Interviewer guide: {prompt.title}"),
        section(
            f"You play the skeptic for {mention(rnd.candidate_id)}. Push on assumptions, "
            "ask how the effect is isolated and what would stop the launch. This guide "
            "is only for you."
        ),
    ]
    if prompt.covers:
        blocks.append(bullet_section("What a complete answer covers", prompt.covers))
    if prompt.challenges:
        blocks.append(bullet_section("Challenges to put", prompt.challenges))
    if prompt.strong_answers:
        blocks.append(bullet_section("What strong answers do", prompt.strong_answers))
    blocks.extend(sample_sections(prompt, rubric))
    blocks.append(DividerBlock())
    blocks.append(section("*Rubric (score 1 to 5)*"))
    for criterion in rubric:
        anchors = "\n".join(
            f"*{score}*: {escape(criterion.anchors[score])}" for score in sorted(criterion.anchors)
        )
        blocks.append(
            section(f"*{escape(criterion.name)}*: {escape(criterion.question)}\n{anchors}")
        )
    blocks.append(context_line(f"When you're done, press *{SCORE_LABEL}* in the group DM."))
    text = f"Interviewer guide for the mock: {prompt.title}"
    return text, [b.to_dict() for b in blocks]


def _score_select(block_id: str, label: str, hint: str) -> InputBlock:
    """A required 1-5 choice from a menu, the criterion's anchors (or a scale) as the hint."""
    return InputBlock(
        block_id=block_id,
        label=clip(label, FIELD_LIMIT),
        hint=clip(hint, FIELD_LIMIT),
        element=StaticSelectElement(
            action_id="score",
            placeholder="1 to 5",
            options=[Option(value=str(n), text=str(n)) for n in range(1, 6)],
        ),
    )


def feedback_modal(
    match_id: int, number: int, candidate_id: str, rubric: tuple[Criterion, ...]
) -> dict[str, Any]:
    """One 1-5 choice per rubric criterion (anchors as the hint), for the interviewer."""
    blocks: list[Any] = [
        section(f"Score {mention(candidate_id)}'s answer, one choice per criterion.")
    ]
    for criterion in rubric:
        hint = " / ".join(
            f"{score}: {criterion.anchors[score]}" for score in sorted(criterion.anchors)
        )
        blocks.append(_score_select(criterion.id, criterion.name, hint))
    return modal_view(
        "Mock feedback",
        blocks,
        callback_id=FEEDBACK_CALLBACK,
        private_metadata=value_for(match_id, number),
        submit="Save scores",
    )


def rating_modal(match_id: int, number: int, interviewer_id: str) -> dict[str, Any]:
    """The candidate rates how helpful the interviewer was (1-5) with an optional comment."""
    blocks = [
        _score_select(
            "helpfulness",
            "How helpful was the interviewer?",
            "1: not helpful; 3: some useful challenges; 5: sharp, fair and useful",
        ),
        long_text_input(
            "comment",
            "Anything to add? (optional)",
            action_id="value",
            max_length=1000,
            optional=True,
        ),
    ]
    return modal_view(
        "Rate your interviewer",
        blocks,
        callback_id=RATE_CALLBACK,
        private_metadata=value_for(match_id, number),
        submit="Save",
    )


def read_scores(values: Mapping[str, Any], rubric: tuple[Criterion, ...]) -> dict[str, int]:
    """The modal's selections; criteria left unset are missing from the result."""
    scores = {}
    for criterion in rubric:
        selected = ((values.get(criterion.id) or {}).get("score") or {}).get("selected_option")
        if selected:
            scores[criterion.id] = int(selected["value"])
    return scores


def read_rating(values: Mapping[str, Any]) -> tuple[int | None, str]:
    selected = ((values.get("helpfulness") or {}).get("score") or {}).get("selected_option")
    comment = ((values.get("comment") or {}).get("value") or {}).get("value") or ""
    return (int(selected["value"]) if selected else None), str(comment)


def scores_posted_text(
    rnd: RoundRoles, scores: Mapping[str, int], rubric: tuple[Criterion, ...]
) -> str:
    """The group DM's note once the interviewer has scored a round."""
    names = {c.id: c.name for c in rubric}
    lines = [f"• {escape(names.get(c, c))}: {s}" for c, s in scores.items()]
    mean = sum(scores.values()) / len(scores) if scores else 0.0
    more = (
        "Press *Swap roles* for round 2, or `/mock` later for a new partner."
        if rnd.round == 1
        else "That was the last round: `/mock` any time for a new partner."
    )
    return (
        f"{mention(rnd.interviewer_id)} scored {mention(rnd.candidate_id)}'s round {rnd.round} "
        f"(mean {mean:.1f}; it counts in `/mock stats` and the leaderboard):\n"
        + "\n".join(lines)
        + "\n"
        + more
    )
