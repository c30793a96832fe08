"""Demo scenes of a practice day's morning: enrolment, the prompt, answers in the thread."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from bot.demo.context import CHANNEL, DemoContext

ANSWERS = (
    "At my last company the team believed creators left because of low pay. Exit surveys and "
    "cohort data showed 60% left within two weeks of their first post getting under 100 views. "
    "I pushed for a first-post boost instead of a pay rise; Day-30 creator retention went from "
    "22% to 31% in the test market against a flat holdout.",
    "I ran a big rebrand campaign and awareness went way up, so leadership loved it.",
    "Sales insisted enterprise buyers wanted more features. Win-loss interviews said onboarding "
    "time was the blocker. I got a 2-week onboarding sprint prioritised; time-to-value fell from "
    "21 to 9 days and conversion from trial rose 4 points.",
)


def enrol_channel(ctx: DemoContext) -> None:
    ctx.heading("Monday: a channel invites the bot")
    maya = ctx.people[0]
    ctx.say(ctx.name(maya), "/invite @Practice Bot")
    ctx.stage.enrol(CHANNEL, inviter=maya)
    ctx.show_message("Practice Bot", ctx.stage.slack.messages(CHANNEL)[-1])


def post_the_prompt(ctx: DemoContext) -> None:
    ctx.heading("09:00 in New York: the day's prompt")
    stage = ctx.stage
    result = stage.run_job("post-prompt", stage.now() + timedelta(hours=1))
    ctx.say("", f"(practice-bot job post-prompt: {result.done} posted)")
    prompt = stage.slack.messages(CHANNEL)[-1]
    ctx.thread_ts = str(prompt["ts"])
    ctx.show_message("Practice Bot", prompt)


def answer_in_thread(ctx: DemoContext) -> None:
    ctx.heading("Answers arrive in the thread")
    stage = ctx.stage
    for minutes, user, text in zip((20, 45, 95), ctx.people, ANSWERS, strict=False):
        stage.set_time(stage.now() + timedelta(minutes=minutes))
        ts = stage.sender.post(user, CHANNEL, text, thread_ts=ctx.thread_ts)
        ctx.say(ctx.name(user), text)
        stage.slack.wait_for(partial(stage.slack.reactions, CHANNEL, ts))
        ctx.say("Practice Bot", f"(reacts :white_check_mark: to {ctx.name(user)}'s answer)")
    follow = ctx.people[0]
    follow_up = "Follow-up: the holdout was one matched market, run for six weeks."
    stage.sender.post(follow, CHANNEL, follow_up, thread_ts=ctx.thread_ts)
    ctx.say(ctx.name(follow), follow_up + " (a follow-up, not a new answer)")
    late = ctx.people[3]
    stage.set_time(stage.now() + timedelta(hours=6))
    stage.sender.post(
        late, CHANNEL, "Sorry I'm late: my story is about pricing tests.", thread_ts=ctx.thread_ts
    )
    ctx.say(ctx.name(late), "Sorry I'm late: my story is about pricing tests.")
    note = stage.slack.wait_for(lambda: stage.slack.ephemerals(user=late))[-1]
    ctx.say("Practice Bot (only to " + ctx.name(late) + ")", note.text)
