"""Demo scene: a peer mock interview with `/mock`: availability, a scheduled match with each
local time and an invite, the reminder, feedback both ways, the check-in and the stats."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.db import read_only
from bot.demo.context import CHANNEL, DemoContext
from bot.models import MockMatch


def _command(ctx: DemoContext, user: str, text: str) -> None:
    stage = ctx.stage
    before = len(stage.slack.ephemerals(user=user))
    stage.sender.send_command(user, CHANNEL, "/mock", text)
    ctx.say(ctx.name(user), f"/mock {text}".rstrip())
    reply = stage.slack.wait_for(lambda: stage.slack.ephemerals(user=user)[before:])[-1]
    ctx.say(f"Practice Bot (only to {ctx.name(user)})", reply.text)


def _ask_with_the_form(ctx: DemoContext, user: str, note: str) -> None:
    """`/mock` alone: the availability form, submitted as prefilled (working hours)."""
    stage = ctx.stage
    stage.sender.send_command(user, CHANNEL, "/mock", "")
    ctx.say(ctx.name(user), "/mock")
    form = stage.slack.wait_for(lambda: stage.slack.open_views(user))[-1]
    ctx.show_view(f"{ctx.name(user)}'s availability form (their own time zone)", form)
    before = len(stage.slack.dms(user))
    stage.sender.submit_view(user, form["id"], {"note/value": note})
    ctx.say(ctx.name(user), f"(keeps the ticked times, adds the note _{note}_, [Find a partner])")
    reply = stage.slack.wait_for(lambda: stage.slack.dms(user)[before:])[-1]
    ctx.show_message(f"Practice Bot (DM to {ctx.name(user)})", reply)


def _dm(ctx: DemoContext, user: str, has: str) -> dict[str, Any]:
    return ctx.stage.slack.wait_for(
        lambda: next((m for m in ctx.stage.slack.dms(user) if has in m.get("text", "")), None)
    )


def _slot(ctx: DemoContext) -> tuple[Any, Any]:
    with read_only(ctx.stage.runtime.sessions) as session:
        match = session.scalars(select(MockMatch).order_by(MockMatch.id.desc())).first()
        assert match is not None and match.slot_start is not None
        return match.slot_start, match.slot_end


def matched_mock(ctx: DemoContext) -> None:
    ctx.heading("Tuesday: two members ask for a mock interview")
    stage = ctx.stage
    jonas, priya = ctx.people[1], ctx.people[2]
    stage.set_time(stage.now() + timedelta(hours=2))
    _ask_with_the_form(ctx, jonas, "measurement cases")
    stage.set_time(stage.now() + timedelta(minutes=25))
    _command(ctx, priya, "any time")
    group = str(stage.slack.state.dm_id((jonas, priya)))
    messages = stage.slack.wait_for(lambda: stage.slack.messages(group))
    intro = messages[0]
    ctx.show_message("Practice Bot (group DM)", intro)
    invite = stage.slack.wait_for(
        lambda: [m for m in stage.slack.messages(group) if m.get("files")]
    )
    ctx.say("Practice Bot (group DM)", f"(attached: {invite[0]['files'][0]['name']})")
    ctx.show_message(f"Practice Bot (only to {ctx.name(priya)})", _dm(ctx, priya, "guide"))

    start, end = _slot(ctx)
    ctx.heading("15 minutes before the slot: a reminder to each")
    stage.run_job("expire-mocks", start - timedelta(minutes=15))
    ctx.show_message(f"Practice Bot (DM to {ctx.name(jonas)})", _dm(ctx, jonas, "In 15 minutes"))

    ctx.heading("After the mock: feedback both ways, shown together")
    stage.set_time(end)
    stage.sender.click(priya, action_id="mock_feedback", message=intro)
    ctx.say(ctx.name(priya), "[Score the candidate]")
    modal = stage.slack.wait_for(lambda: stage.slack.open_views(priya))[0]
    ctx.show_view(f"{ctx.name(priya)}'s feedback form", modal)
    # The modal asks for the rubric of the round's kind (a story, a pitch or a case).
    criteria = [b["block_id"] for b in modal["blocks"] if b.get("type") == "input"]
    scores = {c: ("4" if i % 2 else "3") for i, c in enumerate(criteria)}
    stage.sender.submit_view(priya, modal["id"], {f"{c}/score": s for c, s in scores.items()})
    ctx.say(ctx.name(priya), "(scores the rubric: " + ", ".join(scores.values()) + ")")
    ctx.show_message(f"Practice Bot (DM to {ctx.name(priya)})", _dm(ctx, priya, "Saved."))
    stage.sender.click(jonas, action_id="mock_rate", message=intro)
    rating = stage.slack.wait_for(lambda: stage.slack.open_views(jonas))[0]
    ctx.show_view(f"{ctx.name(jonas)}'s rating form", rating)
    stage.sender.submit_view(
        jonas, rating["id"], {"helpfulness/score": "5", "comment/value": "Tough holdout questions"}
    )
    ctx.say(ctx.name(jonas), "[Rate the interviewer] (rates the interviewer's help: 5)")
    both = stage.slack.wait_for(
        lambda: [m for m in stage.slack.messages(group) if "both ways" in m.get("text", "")]
    )
    ctx.show_message("Practice Bot (group DM)", both[0])

    ctx.heading("15 minutes after the slot: did it happen?")
    stage.run_job("expire-mocks", end + timedelta(minutes=15))
    question = _dm(ctx, jonas, "Did your mock")
    ctx.show_message(f"Practice Bot (DM to {ctx.name(jonas)})", question)
    stage.sender.click(jonas, action_id="mock_checkin_happened", message=question)
    ctx.say(ctx.name(jonas), "[Yes]")
    _command(ctx, jonas, "stats")
