"""Demo scene: a member opens the app's Home tab."""

from __future__ import annotations

from bot.demo.context import DemoContext


def app_home(ctx: DemoContext) -> None:
    ctx.heading("A member opens the app's Home tab")
    stage = ctx.stage
    maya = ctx.people[0]
    stage.sender.open_home(maya)
    home = stage.slack.wait_for(lambda: stage.slack.home(maya))
    ctx.show_view(f"{ctx.name(maya)}'s App Home", home)
