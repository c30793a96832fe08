"""Demo scenes of reviews that get done (issue 23): a volunteer stands in for a review left
alone at half-time, and an author rates a review as helpful."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.demo.context import CHANNEL, DemoContext
from bot.slack.render.review_feedback import HELPFUL_ACTION, TAKE_ACTION, WORD_CALLBACK


def _with(message: dict[str, Any], action_id: str) -> bool:
    return any(
        e.get("action_id") == action_id
        for b in message.get("blocks") or []
        if b.get("type") == "actions"
        for e in b["elements"]
    )


def volunteer(ctx: DemoContext) -> None:
    ctx.heading("A member who did not answer today volunteers to review")
    stage = ctx.stage
    lena = ctx.people[4]
    stage.sender.send_command(lena, CHANNEL, "/practice", "review on")
    ctx.say(ctx.name(lena), "/practice review on")
    note = stage.slack.wait_for(lambda: stage.slack.ephemerals(user=lena))[-1]
    ctx.say(f"Practice Bot (only to {ctx.name(lena)})", note.text)


def half_time(ctx: DemoContext) -> None:
    """Half-way through reviews: reminders, and reviews left alone are offered to stand-ins."""
    ctx.heading("Half-time: a review left alone goes to a stand-in")
    stage = ctx.stage
    stage.set_time(stage.now() + timedelta(hours=6))
    result = stage.run_job("close-reviews", stage.now())
    ctx.say("", f"(half-way through reviews: {result.details[-1]})")
    reviewer = ctx.people[1]
    reminder = next(m for m in stage.slack.dms(reviewer) if m["text"].startswith("Reminder"))
    ctx.show_message(f"Practice Bot (DM to {ctx.name(reviewer)})", reminder)
    lena = ctx.people[4]
    offer = next(m for m in stage.slack.dms(lena) if _with(m, TAKE_ACTION))
    ctx.show_message(f"Practice Bot (DM to {ctx.name(lena)})", offer)
    stage.set_time(stage.now() + timedelta(minutes=20))
    stage.sender.click(lena, action_id=TAKE_ACTION, message=offer)
    ctx.say(ctx.name(lena), "(presses [Take this review])")
    taken = stage.slack.wait_for(
        lambda: next((m for m in stage.slack.dms(lena) if "It is yours" in str(m)), None)
    )
    ctx.say(f"Practice Bot (DM to {ctx.name(lena)})", taken["text"])
    original = _wait_original(ctx)
    told = next(m for m in stage.slack.dms(original) if "a stand-in has offered" in m["text"])
    ctx.show_message(f"Practice Bot (DM to {ctx.name(original)})", told)
    _stand_in_reviews(ctx, lena)


def _wait_original(ctx: DemoContext) -> str:
    stage = ctx.stage
    return str(
        stage.slack.wait_for(
            lambda: next(
                (
                    u
                    for u in ctx.people
                    if any("a stand-in has offered" in m["text"] for m in stage.slack.dms(u))
                ),
                None,
            )
        )
    )


def _stand_in_reviews(ctx: DemoContext, lena: str) -> None:
    """The stand-in challenges and scores from their brief, like any reviewer."""
    stage = ctx.stage
    brief = stage.slack.wait_for(
        lambda: next((m for m in stage.slack.dms(lena) if "skeptic reviewer" in m["text"]), None)
    )
    ctx.show_message(f"Practice Bot (DM to {ctx.name(lena)})", brief)
    value = next(
        e["value"]
        for b in brief["blocks"]
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("action_id") == "review_score"
    )
    for action, values in (
        ("review_challenge", {"challenge/text": "What would have made you stop the test early?"}),
        ("review_score", None),
    ):
        modal = _open(ctx, lena, action, brief, value)
        if values is None:
            criteria = [b["block_id"] for b in modal["blocks"] if b.get("type") == "input"][:-1]
            values = {f"{c}/score": "4" for c in criteria}
        stage.sender.submit_view(lena, modal["id"], values)
    stage.slack.wait_for(
        lambda: [e for e in stage.slack.ephemerals(user=lena) if "scores" in e.text]
    )
    ctx.say(ctx.name(lena), "(posts a challenge in the thread and scores the answer: 4s)")


def _open(
    ctx: DemoContext, user: str, action: str, message: dict[str, Any], value: str
) -> dict[str, Any]:
    stage = ctx.stage
    before = {v["id"] for v in stage.slack.open_views(user)}
    stage.sender.click(user, action_id=action, message=message, value=value)
    opened: dict[str, Any] = stage.slack.wait_for(
        lambda: next((v for v in stage.slack.open_views(user) if v["id"] not in before), None)
    )
    return opened


def rate_a_review(ctx: DemoContext) -> None:
    ctx.heading("The author says which review helped")
    stage = ctx.stage
    lena = ctx.people[4]
    author, summary = next(
        (user, m)
        for user in ctx.people
        for m in stage.slack.dms(user)
        if "Your reviews" in m["text"] and f"<@{lena}>" in str(m)
    )
    value = next(
        e["value"]
        for i, b in enumerate(summary["blocks"])
        if b.get("type") == "actions" and lena in str(summary["blocks"][i - 1])
        for e in b["elements"]
        if e.get("action_id") == HELPFUL_ACTION
    )
    stage.sender.click(author, action_id=HELPFUL_ACTION, message=summary, value=value)
    ctx.say(ctx.name(author), f"(presses [Helpful] under {ctx.name(lena)}'s review)")
    modal = stage.slack.wait_for(
        lambda: next(
            (v for v in stage.slack.open_views(author) if v.get("callback_id") == WORD_CALLBACK),
            None,
        )
    )
    ctx.show_view(f"{ctx.name(author)} sees", modal)
    word = "The early-stop question made me rethink the test"
    stage.sender.submit_view(author, modal["id"], {"word/text": word})
    ctx.say(ctx.name(author), f"(adds: “{word}”)")
    stage.sender.send_command(lena, CHANNEL, "/practice", "stats")
    stats = stage.slack.wait_for(
        lambda: [e for e in stage.slack.ephemerals(user=lena) if "rated reviews helpful" in e.text]
    )[-1]
    ctx.say(f"Practice Bot (only to {ctx.name(lena)}, /practice stats)", stats.text)
