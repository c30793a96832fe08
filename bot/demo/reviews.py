"""Demo scenes of a practice day's afternoon and next morning: skeptic reviews (issue 4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.demo.context import CHANNEL, DemoContext


def review_dm(ctx: DemoContext, user: str) -> dict[str, Any]:
    return next(m for m in ctx.stage.slack.dms(user) if "skeptic reviewer" in m["text"])


def _first_value(message: dict[str, Any], action_id: str) -> str:
    return next(
        e["value"]
        for b in message.get("blocks") or []
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("action_id") == action_id
    )


def _open_modal(ctx: DemoContext, user: str, action_id: str, dm: dict[str, Any]) -> dict:
    stage = ctx.stage
    before = {v["id"] for v in stage.slack.open_views(user)}
    stage.sender.click(user, action_id=action_id, message=dm, value=_first_value(dm, action_id))
    return stage.slack.wait_for(
        lambda: next((v for v in stage.slack.open_views(user) if v["id"] not in before), None)
    )


def assign_reviewers(ctx: DemoContext) -> None:
    ctx.heading("Answers close: every answer gets two skeptic reviewers")
    stage = ctx.stage
    result = stage.run_job("assign-reviewers", stage.now())
    ctx.say("", f"(practice-bot job assign-reviewers: {result.details[-1]})")
    maya = ctx.people[0]
    ctx.show_message(f"Practice Bot (DM to {ctx.name(maya)})", review_dm(ctx, maya))
    jonas = ctx.people[1]
    stage.sender.open_home(jonas)
    home = stage.slack.wait_for(lambda: stage.slack.home(jonas))
    ctx.show_view(f"{ctx.name(jonas)} opens the app's Home tab", home)


def review_answers(ctx: DemoContext) -> None:
    ctx.heading("Reviewers challenge in the thread and score on the rubric")
    stage = ctx.stage
    stage.set_time(stage.now() + timedelta(hours=1))
    maya, jonas = ctx.people[0], ctx.people[1]
    dm = review_dm(ctx, jonas)
    modal = _open_modal(ctx, jonas, "review_challenge", dm)
    ctx.show_view(f"{ctx.name(jonas)} presses [Post a challenge]", modal)
    challenge = "Sixty percent of whom? How do you know the boost, not the season, moved Day-30?"
    stage.sender.submit_view(jonas, modal["id"], {"challenge/text": challenge})
    posted = stage.slack.wait_for(
        lambda: [
            m
            for m in stage.slack.thread(CHANNEL, ctx.thread_ts)
            if "skeptic's challenge" in m["text"]
        ]
    )
    ctx.show_message("Practice Bot (in the thread)", posted[-1])

    dm = review_dm(ctx, maya)
    modal = _open_modal(ctx, maya, "review_challenge", dm)
    pushback = "Awareness of what, measured how? What did people do differently afterwards?"
    stage.sender.submit_view(maya, modal["id"], {"challenge/text": pushback})
    stage.slack.wait_for(
        lambda: (
            len(
                [
                    m
                    for m in stage.slack.thread(CHANNEL, ctx.thread_ts)
                    if "skeptic's challenge" in m["text"]
                ]
            )
            == 2
        )
    )
    ctx.say(ctx.name(maya), f"(posts a challenge to @{ctx.name(ctx.people[1])}: {pushback})")
    modal = _open_modal(ctx, maya, "review_score", dm)
    criteria = [b["block_id"] for b in modal["blocks"] if b.get("type") == "input"][:-1]
    ctx.show_view(f"{ctx.name(maya)} presses [Score]", modal)
    ctx.say(ctx.name(maya), f"(opens Score: one 1-5 choice for each of {len(criteria)} criteria)")
    # Maya scores Jonas's "awareness went up" story: a vanity metric, so low marks.
    values = {f"{c}/score": str(1 + i % 2) for i, c in enumerate(criteria)}
    values["comment/text"] = "Awareness is not an outcome: what behaviour moved, from what base?"
    stage.sender.submit_view(maya, modal["id"], values)
    # The confirmation of her challenge is posted after its ack too and may come later: wait
    # for the one about the scores.
    note = stage.slack.wait_for(
        lambda: [e for e in stage.slack.ephemerals(user=maya) if "scores" in e.text]
    )[-1]
    ctx.say(f"Practice Bot (only to {ctx.name(maya)})", note.text)
    updated = stage.slack.wait_for(
        lambda: next((m for m in stage.slack.dms(maya) if m.get("edited")), None)
    )
    ctx.show_message(f"Practice Bot (DM to {ctx.name(maya)}, updated in place)", updated)


def close_reviews(ctx: DemoContext) -> None:
    ctx.heading("Next morning: reviews close, authors get their summaries")
    stage = ctx.stage
    # The half-way reminders and the stand-in came before (bot/demo/standins.py).
    result = stage.run_job("close-reviews", stage.now() + timedelta(hours=9))
    ctx.say("", f"(practice-bot job close-reviews: {'; '.join(result.details)})")
    notes = stage.slack.thread(CHANNEL, ctx.thread_ts)[-1]
    ctx.show_message("Practice Bot (in the thread)", notes)
    author = next(
        user
        for user in ctx.people
        if any(
            "Your reviews" in m["text"] and "Mean score" in str(m) for m in stage.slack.dms(user)
        )
    )
    summary = next(m for m in stage.slack.dms(author) if "Your reviews" in m["text"])
    ctx.show_message(f"Practice Bot (DM to {ctx.name(author)})", summary)
