"""Demo scene: a peer mock interview with `/mock`, from the queue to the scores."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.context import CHANNEL, DemoContext


def matched_mock(ctx: DemoContext) -> None:
    ctx.heading("Evening: two members ask for a mock interview")
    stage = ctx.stage
    jonas, priya = ctx.people[1], ctx.people[2]
    stage.set_time(stage.now() + timedelta(hours=2))

    def command(user: str, text: str) -> None:
        before = len(stage.slack.ephemerals(user=user))
        stage.sender.send_command(user, CHANNEL, "/mock", text)
        ctx.say(ctx.name(user), f"/mock {text}".rstrip())
        reply = stage.slack.wait_for(lambda: stage.slack.ephemerals(user=user)[before:])[-1]
        ctx.say(f"Practice Bot (only to {ctx.name(user)})", reply.text)

    command(jonas, "measurement cases, Tue evening")
    stage.set_time(stage.now() + timedelta(minutes=25))
    command(priya, "")
    group = str(stage.slack.state.dm_id((jonas, priya)))
    intro = stage.slack.wait_for(lambda: stage.slack.messages(group))[0]
    ctx.show_message("Practice Bot (group DM)", intro)
    guide = stage.slack.wait_for(
        lambda: next((m for m in stage.slack.dms(priya) if "guide" in m.get("text", "")), None)
    )
    ctx.show_message(f"Practice Bot (only to {ctx.name(priya)})", guide)

    ctx.heading("30 minutes later: the interviewer scores the candidate")
    stage.set_time(stage.now() + timedelta(minutes=30))
    stage.sender.click(priya, action_id="mock_feedback", message=intro)
    ctx.say(ctx.name(priya), "[Score the candidate]")
    modal = stage.slack.wait_for(lambda: stage.slack.open_views(priya))[0]
    ctx.show_view(f"{ctx.name(priya)}'s feedback form", modal)
    # The modal asks for the rubric of the round's kind (a story, a pitch or a case).
    criteria = [b["block_id"] for b in modal["blocks"] if b.get("type") == "input"]
    scores = {c: ("4" if i % 2 else "3") for i, c in enumerate(criteria)}
    stage.sender.submit_view(priya, modal["id"], {f"{c}/score": s for c, s in scores.items()})
    ctx.say(ctx.name(priya), "(scores the rubric: " + ", ".join(scores.values()) + ")")
    note = stage.slack.wait_for(lambda: stage.slack.messages(group)[1:])[0]
    ctx.show_message("Practice Bot (group DM)", note)
    stage.sender.click(jonas, action_id="mock_rate", message=intro)
    rating = stage.slack.wait_for(lambda: stage.slack.open_views(jonas))[0]
    ctx.show_view(f"{ctx.name(jonas)}'s rating form", rating)
    stage.sender.submit_view(
        jonas, rating["id"], {"helpfulness/score": "5", "comment/value": "Tough holdout questions"}
    )
    ctx.say(ctx.name(jonas), "[Rate the interviewer] (rates the interviewer's help: 5)")
    command(jonas, "stats")
