"""Demo scene: a member's own settings and a target interview with its weekly plan (issue 25)."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.context import CHANNEL, DemoContext


def _practice(ctx: DemoContext, user: str, text: str) -> None:
    stage = ctx.stage
    before = len(stage.slack.ephemerals(user=user))
    stage.sender.send_command(user, CHANNEL, "/practice", text)
    ctx.say(ctx.name(user), f"/practice {text}")
    note = stage.slack.wait_for(lambda: stage.slack.ephemerals(user=user)[before:])[-1]
    ctx.say(f"Practice Bot (only to {ctx.name(user)})", note.text)


def settings_and_a_plan(ctx: DemoContext) -> None:
    ctx.heading("A member's own settings, and a target interview with a weekly plan")
    stage = ctx.stage
    maya = ctx.people[0]
    _practice(ctx, maya, "me quiet 22:00-07:00")
    _practice(ctx, maya, "me listed no")
    interview = (stage.now() + timedelta(days=24)).date().isoformat()
    _practice(ctx, maya, f"goal {interview} pmm Acme Corp | final round, pricing case")
    _practice(ctx, maya, "goal plan on")
    result = stage.run_job("goal-dms")
    ctx.say("", f"(practice-bot job goal-dms: {result.done} sent)")
    plan = stage.slack.wait_for(
        lambda: [m for m in stage.slack.dms(maya) if "Your plan" in str(m.get("text"))]
    )
    ctx.show_message(f"Practice Bot (DM to {ctx.name(maya)})", plan[-1])
