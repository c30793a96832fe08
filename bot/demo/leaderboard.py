"""Demo scene: the week closes and the leaderboard is posted, with its chart saved to a file."""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.demo.context import CHANNEL, DemoContext
from bot.practice.schedule import local_instant, week_start


def weekly_leaderboard(ctx: DemoContext) -> None:
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
    ctx.show_image(
        "Practice Bot (in the leaderboard's thread)",
        f"{chart.initial_comment or ''} (saved to {path})",
        chart.content,
        title=chart.title or chart.filename,
        alt=chart.alt_txt or "",
    )
    ctx.notes["leaderboard_chart"] = path

    maya = ctx.people[0]
    before = len(stage.slack.ephemerals(user=maya))
    stage.sender.send_command(maya, CHANNEL, "/practice", f"leaderboard why <@{maya}> last")
    ctx.say(ctx.name(maya), f"/practice leaderboard why @{ctx.name(maya)} last")
    note = stage.slack.wait_for(lambda: stage.slack.ephemerals(user=maya)[before:])[-1]
    ctx.say(f"Practice Bot (only to {ctx.name(maya)})", note.text)
