"""Demo scene: the week closes and the leaderboard is posted, with its chart saved to a file.

Reviews are not part of the demo yet, so this scene scores the day's answers itself, writing
the rows the reviews feature writes (an assignment, a posted challenge, one vote per criterion).
"""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.db import unit_of_work
from bot.demo.context import CHANNEL, DemoContext
from bot.models import Challenge, ReviewAssignment, Vote
from bot.practice.answers import answers_for_post
from bot.practice.posting import post_for_thread
from bot.practice.schedule import local_instant, week_start

# Scores per answer, in answer order: a strong story, a vanity-metric one, a solid one.
SCORES = ({"hypothesis": 5, "measurement": 4, "outcome": 5}, 2, 4)


def score_the_answers(ctx: DemoContext) -> None:
    stage = ctx.stage
    people = ctx.people
    with unit_of_work(stage.runtime.sessions) as session:
        post = post_for_thread(session, stage.team_id, CHANNEL, ctx.thread_ts)
        assert post is not None and post.posted_at is not None
        at = post.posted_at + timedelta(hours=7)
        rubric = ("hypothesis", "measurement", "outcome")
        on_time = [a for a in answers_for_post(session, post) if not a.late and not a.withdrawn]
        for answer, scores in zip(on_time, SCORES, strict=False):
            author = people.index(answer.user_id)
            for step in (1, 2):
                reviewer = people[(author + step) % len(people)]
                assignment = ReviewAssignment(
                    post_id=post.id,
                    answer_id=answer.id,
                    reviewer_id=reviewer,
                    source="answerer",
                    assigned_at=at,
                    scored_at=at + timedelta(hours=1),
                )
                session.add(assignment)
                session.flush()
                session.add(Challenge(assignment_id=assignment.id, text="Why?", created_at=at))
                per = scores if isinstance(scores, dict) else dict.fromkeys(rubric, scores)
                for criterion, score in per.items():
                    session.add(
                        Vote(
                            answer_id=answer.id,
                            reviewer_id=reviewer,
                            criterion=criterion,
                            score=score - (step - 1) * (score > 1),
                            updated_at=at,
                        )
                    )
                ctx.say(
                    ctx.name(reviewer),
                    f"(challenges and scores {ctx.name(answer.user_id)}'s answer)",
                )
        session.commit()


def weekly_leaderboard(ctx: DemoContext) -> None:
    ctx.heading("Reviews are in")
    score_the_answers(ctx)
    stage = ctx.stage
    monday: date = week_start(stage.now().date()) + timedelta(days=7)
    ctx.heading("Next Monday, 09:00 in New York: the week's leaderboard")
    result = stage.run_job(
        "post-leaderboard", local_instant(monday, time(9, 0), "America/New_York")
    )
    ctx.say("", f"(practice-bot job post-leaderboard: {result.done} posted)")
    post = [m for m in stage.slack.messages(CHANNEL) if "Leaderboard" in str(m.get("text"))]
    if not post:
        ctx.say("", "(no leaderboard: nobody was active)")
        return
    ctx.show_message("Practice Bot", post[-1])
    chart = stage.slack.wait_for(lambda: stage.slack.files())[-1]
    path = ctx.out_dir / chart.filename
    path.write_bytes(chart.content)
    ctx.say("Practice Bot", f"(uploads the chart in the thread: saved to {path})")
    ctx.notes["leaderboard_chart"] = path

    maya = ctx.people[0]
    before = len(stage.slack.ephemerals(user=maya))
    stage.sender.send_command(maya, CHANNEL, "/practice", f"leaderboard why <@{maya}> last")
    ctx.say(ctx.name(maya), f"/practice leaderboard why @{ctx.name(maya)} last")
    note = stage.slack.wait_for(lambda: stage.slack.ephemerals(user=maya)[before:])[-1]
    ctx.say(f"Practice Bot (only to {ctx.name(maya)})", note.text)
