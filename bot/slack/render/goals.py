"""A member's target interview: the countdown, the weekly plan, the drill, "how did it go?"."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.practice.members.drills import DrillReviewRequest
from bot.practice.members.goals import Goal, GoalDm
from bot.slack.render.text import clip, context_line, escape, mention, section

DRILL_REVIEW_ACTION = "drill_ask_review"
BAD_BUTTON = "That button no longer works. Nothing was changed."

GOAL_HINT = (
    "`/practice goal YYYY-MM-DD PACK [company] [| note]` sets it, `/practice goal plan on|off` "
    "the weekly plan by DM, `/practice goal off` clears it."
)


def _target(goal: Goal) -> str:
    company = f" at {escape(goal.company)}" if goal.company else ""
    return f"your interview{company} on {goal.interview_on.isoformat()} (pack `{goal.pack_id}`)"


def countdown_line(goal: Goal, days_left: int) -> str:
    if days_left > 1:
        when = f"*{days_left} days* to {_target(goal)}"
    elif days_left == 1:
        when = f"*Tomorrow*: {_target(goal)}"
    elif days_left == 0:
        when = f"*Today*: {_target(goal)}. Good luck!"
    else:
        when = f"Y{_target(goal)[1:]} has passed: how did it go? `/practice goal went ...`"
    plan = "weekly plan by DM: on" if goal.weekly_plan else "weekly plan by DM: off"
    note = f"\n_{escape(clip(goal.note, 200))}_" if goal.note else ""
    return f":dart: {when} · {plan}{note}"


def goal_reply(goal: Goal | None, days_left: int, message: str) -> str:
    head = f"{message}\n" if message else ""
    body = countdown_line(goal, days_left) if goal else "No target interview set."
    return f"{head}{body}\n{GOAL_HINT}"


def _weak_lines(dm: GoalDm) -> list[str]:
    return [
        f"• *{escape(w.name)}*: {w.mean:.1f} / 5 from {w.scores} scores of your answers"
        for w in dm.weakest
    ]


def plan_message(dm: GoalDm) -> tuple[str, list[dict[str, Any]]]:
    text = f"Your plan this week: {dm.days_left} days to your interview"
    lines = [f"*Your plan this week* · {dm.days_left} days to {_target(dm.goal)}"]
    if dm.weakest:
        lines.append("Your two weakest criteria over the last weeks:")
        lines += _weak_lines(dm)
    else:
        lines.append("Not enough scores yet to say what is weakest: answer a few prompts first.")
    if dm.kinds:
        lines.append("Practise these kinds of prompt: " + ", ".join(f"*{k}*" for k in dm.kinds))
    lines.append("Book a live mock this week: `/mock` in any channel finds you a partner.")
    blocks = [section("\n".join(lines)), context_line("`/practice goal plan off` stops this.")]
    return text, [b.to_dict() for b in blocks]


def drill_message(dm: GoalDm) -> tuple[str, list[dict[str, Any]]]:
    prompt = dm.drill
    assert prompt is not None
    text = f"Today's drill: {prompt.title}"
    aimed = ", ".join(w.name for w in dm.weakest) or "the whole rubric"
    blocks = [
        section(
            f"*Today's drill* · {dm.days_left} days to go · aimed at {escape(aimed)}\n"
            f"*{escape(prompt.title)}* ({escape(prompt.kind)})"
        ),
        *[section(escape(part)) for part in (clip(prompt.case, 2500),)],
        context_line(
            "Answer in this message's thread: the bot keeps it as your drill answer (practice: "
            "never on the leaderboard), and you can then ask for a review."
        ),
    ]
    return text, [b.to_dict() for b in blocks]


def after_message(dm: GoalDm) -> tuple[str, list[dict[str, Any]]]:
    text = "How did your interview go?"
    blocks = [
        section(
            f"*How did it go?* Y{_target(dm.goal)[1:]} is behind you. If you like, "
            "share what they asked with `/practice goal went WHAT THEY ASKED`: it becomes a "
            "prompt idea for the channel's managers, without your name, and is never posted."
        ),
        context_line("`/practice goal YYYY-MM-DD PACK` sets the next one."),
    ]
    return text, [b.to_dict() for b in blocks]


def ideas_text(pack_id: str, ideas: list[tuple[str | None, str]]) -> str:
    if not ideas:
        return f"No prompt ideas shared for the `{pack_id}` pack yet."
    lines = [f"*Prompt ideas from members' real interviews* (pack `{pack_id}`, newest first)"]
    for company, text in ideas:
        at = f" ({escape(company)})" if company else ""
        lines.append(f"• {escape(clip(text, 300))}{at}")
    lines.append("_Shared without names. Nothing here is posted unless you write a prompt._")
    return "\n".join(lines)


def drill_receipt(drill_id: int) -> tuple[str, list[dict[str, Any]]]:
    """In the drill's thread, after the member's first reply there."""
    text = "Kept as your drill answer."
    blocks = [
        section(
            "Kept as your drill answer. More replies in this thread are added to it until you "
            "ask for a review. It is practice: it never counts on the leaderboard."
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Ask for a review",
                    action_id=DRILL_REVIEW_ACTION,
                    value=str(drill_id),
                    style="primary",
                )
            ]
        ),
    ]
    return text, [b.to_dict() for b in blocks]


def drill_review_text(request: DrillReviewRequest) -> str:
    if request.status == "asked" and request.reviewer_id:
        return (
            f"Asked: {mention(request.reviewer_id)} will review your drill answer. "
            "You will get the scores here by DM."
        )
    if request.status == "already":
        return "A review of this drill answer was already asked for."
    if request.status == "nobody":
        return (
            "Nobody from your channels can review it just now (everyone is away, or nobody "
            "has answered lately). Try again later; your answer is kept."
        )
    return BAD_BUTTON
